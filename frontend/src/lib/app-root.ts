/** The studio's root URL (the server's `base_url`), set by boot.js as <base href>. Every API
 * path and image URL is relative to it, and the router's basename is its path. */
import { ROOT_STORAGE_KEY } from "./boot.js";

export function appRoot(): URL {
  return new URL(".", document.baseURI);
}

/** Resolves a server-relative path such as ImageDTO.image_url ("api/v1/images/i/x/full"). */
export function resolveAppUrl(path: string): string {
  return new URL(path.replace(/^\/+/, ""), appRoot()).toString();
}

export function routerBasename(): string {
  const path = appRoot().pathname;
  return path === "/" ? "/" : path.replace(/\/+$/, "");
}

/** Called once the API has answered at this root, so the next visit needs no probe. */
export function rememberAppRoot(): void {
  try {
    window.localStorage.setItem(ROOT_STORAGE_KEY, appRoot().pathname);
  } catch {
    // Storage unavailable: boot.js probes again next time.
  }
}
