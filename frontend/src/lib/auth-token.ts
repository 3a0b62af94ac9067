/** The Bearer token, with change listeners.
 *
 * "Remember me" decides where it lives, read from the token's own `remember_me` claim: a
 * remembered token goes to localStorage (shared by every tab, kept when the browser closes), any
 * other to sessionStorage (this tab only, gone when the browser closes).
 *
 * The server may answer any mutating request with `X-Refreshed-Token` (sliding refresh, or a new
 * token after a password change); `adoptRefreshedToken` decides whether to take it. */

const TOKEN_KEY = "gesso.token";
const listeners = new Set<() => void>();
let signOutNotice: string | null = null;

function readStorage(): string | null {
  try {
    return window.sessionStorage.getItem(TOKEN_KEY) ?? window.localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function writeStorage(token: string | null): void {
  try {
    window.sessionStorage.removeItem(TOKEN_KEY);
    window.localStorage.removeItem(TOKEN_KEY);
    if (token !== null) {
      const storage = isRemembered(token) ? window.localStorage : window.sessionStorage;
      storage.setItem(TOKEN_KEY, token);
    }
  } catch {
    // Storage unavailable (private mode): the token lives for this page only.
  }
}

let current: string | null = readStorage();

function notify(): void {
  for (const listener of listeners) listener();
}

export function getToken(): string | null {
  return current;
}

/** Stores (or, with null, forgets) the token; `notice` is shown on the login page next. */
export function setToken(token: string | null, notice?: string): void {
  if (notice !== undefined) signOutNotice = notice;
  if (token === current) return;
  current = token;
  writeStorage(token);
  notify();
}

export function subscribeToken(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function getSignOutNotice(): string | null {
  return signOutNotice;
}

export function clearSignOutNotice(): void {
  signOutNotice = null;
}

/**
 * The token to store after a response, or null to keep the current one. A refreshed token is
 * adopted only if the request was sent with the token still in use: a response that arrives
 * after logout (or after another tab signed in as someone else) must not bring a session back.
 */
export function adoptRefreshedToken(
  sent: string | null,
  currentToken: string | null,
  refreshed: string | null,
): string | null {
  if (!refreshed || !sent || sent !== currentToken || refreshed === currentToken) return null;
  return refreshed;
}

/** A token's claims; decoding only, no verification (the server verifies). */
function tokenClaims(token: string | null): Record<string, unknown> {
  const payload = token?.split(".")[1];
  if (!payload) return {};
  try {
    const claims: unknown = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
    return claims && typeof claims === "object" ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The server-side session id (`sid` claim) of a token. */
export function tokenSessionId(token: string | null): string | null {
  const sid = tokenClaims(token).sid;
  return typeof sid === "string" ? sid : null;
}

/** Whether the token was issued with "remember me" (its `remember_me` claim). */
export function isRemembered(token: string | null): boolean {
  return tokenClaims(token).remember_me === true;
}

if (typeof window !== "undefined") {
  // Another tab signed in or out (localStorage only: a sessionStorage token is this tab's own).
  window.addEventListener("storage", (event) => {
    if (event.key !== TOKEN_KEY && event.key !== null) return;
    const stored = readStorage();
    if (stored !== current) {
      current = stored;
      notify();
    }
  });
}
