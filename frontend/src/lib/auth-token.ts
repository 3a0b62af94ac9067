/** The Bearer token in localStorage, shared by every tab, with change listeners.
 *
 * The server may answer any mutating request with `X-Refreshed-Token` (sliding refresh, or a new
 * token after a password change); `adoptRefreshedToken` decides whether to take it. */

const TOKEN_KEY = "gesso.token";
const listeners = new Set<() => void>();
let signOutNotice: string | null = null;

function readStorage(): string | null {
  try {
    return window.localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
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
  try {
    if (token === null) window.localStorage.removeItem(TOKEN_KEY);
    else window.localStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Storage unavailable (private mode): the token lives for this page only.
  }
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

/** The server-side session id (`sid` claim) of a token; decoding only, no verification. */
export function tokenSessionId(token: string | null): string | null {
  if (!token) return null;
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const claims: unknown = JSON.parse(json);
    if (claims && typeof claims === "object" && "sid" in claims && typeof claims.sid === "string") {
      return claims.sid;
    }
  } catch {
    return null;
  }
  return null;
}

if (typeof window !== "undefined") {
  // Another tab signed in or out.
  window.addEventListener("storage", (event) => {
    if (event.key !== TOKEN_KEY && event.key !== null) return;
    const stored = readStorage();
    if (stored !== current) {
      current = stored;
      notify();
    }
  });
}
