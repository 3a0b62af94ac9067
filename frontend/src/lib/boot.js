// @ts-check
/*
 * Inlined into index.html by vite.config.ts and run before any asset loads. The server may
 * live under a sub-path (`base_url`) and answers every studio route with the same index.html,
 * so the page first works out its own root, sets <base href> to it and only then loads the
 * hashed assets (written relative, "./assets/…"). Everything else — API calls, image URLs, the
 * router's basename — resolves against that <base>.
 *
 * The root is, in order: the remembered root when the path starts with it; the path before the
 * first studio route segment ("/studio/gallery/x" → "/studio/"); otherwise the deepest
 * ancestor directory whose `api/v1/app/version` answers JSON (the server sends the page, not
 * JSON, for paths outside its API). Limitation: a `base_url` whose first segment is a studio
 * route name (e.g. /gallery) is not supported.
 */

export const ROOT_STORAGE_KEY = "gesso.app_root";

/**
 * @param {string} pathname
 * @param {readonly string[]} segments top-level studio routes
 * @param {string | null} remembered
 * @returns {{ root: string, certain: boolean }}
 */
export function findAppRoot(pathname, segments, remembered) {
  if (remembered && remembered.endsWith("/") && pathname.startsWith(remembered)) {
    const rest = pathname.slice(remembered.length).split("/")[0] ?? "";
    if (rest === "" || segments.includes(rest)) return { root: remembered, certain: true };
  }
  const parts = pathname.split("/");
  for (let i = 1; i < parts.length; i += 1) {
    if (segments.includes(parts[i] ?? "")) {
      return { root: parts.slice(0, i).join("/") + "/", certain: true };
    }
  }
  return { root: pathname.slice(0, pathname.lastIndexOf("/") + 1) || "/", certain: false };
}

/**
 * Every ancestor directory of the path, deepest first: "/a/b/c" → ["/a/b/", "/a/", "/"].
 * @param {string} pathname
 * @returns {string[]}
 */
export function candidateRoots(pathname) {
  const dir = pathname.slice(0, pathname.lastIndexOf("/") + 1) || "/";
  const parts = dir.split("/").filter(Boolean);
  const roots = [];
  for (let n = parts.length; n >= 0; n -= 1) {
    roots.push("/" + parts.slice(0, n).map((p) => p + "/").join(""));
  }
  return roots;
}

/**
 * @param {string} root
 * @returns {Promise<boolean>}
 */
async function answersApi(root) {
  try {
    const response = await fetch(root + "api/v1/app/version", { credentials: "same-origin" });
    return response.ok && (response.headers.get("content-type") ?? "").includes("json");
  } catch {
    return false;
  }
}

/**
 * Deepest candidate first, one at a time: the first JSON answer wins, and no request goes
 * outside the server's `base_url` (which would log a 404 in the console).
 * @param {string} pathname
 * @returns {Promise<string | null>}
 */
async function probeAppRoot(pathname) {
  for (const root of candidateRoots(pathname)) {
    if (await answersApi(root)) return root;
  }
  return null;
}

/**
 * @param {readonly string[]} segments
 * @param {{ scripts: string[], styles: string[] } | null} assets null in development, where
 *   Vite's own script tag follows this one
 */
export function gessoBoot(segments, assets) {
  /** @type {string | null} */
  let remembered;
  try {
    remembered = window.localStorage.getItem(ROOT_STORAGE_KEY);
  } catch {
    remembered = null;
  }
  const guess = findAppRoot(window.location.pathname, segments, remembered);

  /** @param {string} root */
  const start = (root) => {
    const base = document.createElement("base");
    base.href = root;
    document.head.prepend(base);
    if (!assets) return;
    for (const href of assets.styles) {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.crossOrigin = "";
      link.href = href;
      document.head.append(link);
    }
    for (const src of assets.scripts) {
      const script = document.createElement("script");
      script.type = "module";
      script.crossOrigin = "";
      script.src = src;
      document.head.append(script);
    }
  };

  if (guess.certain || !assets) {
    start(guess.root);
    return;
  }
  void probeAppRoot(window.location.pathname).then((found) => {
    if (found) {
      try {
        window.localStorage.setItem(ROOT_STORAGE_KEY, found);
      } catch {
        // Private mode: the next visit probes again.
      }
    }
    start(found ?? guess.root);
  });
}
