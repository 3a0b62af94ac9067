/** The setup checker: what the studio shows first, from `GET /auth/status`, the stored token and
 * `GET /auth/me`. Single-user mode never shows a login screen. */
import { isUnauthorized } from "@/lib/api-client";
import type { SetupStatus, UserDTO } from "@/lib/api-types";

export type EntryState =
  | { kind: "loading" }
  | { kind: "unreachable"; error: unknown }
  | { kind: "setup"; status: SetupStatus }
  | { kind: "login"; status: SetupStatus }
  | { kind: "single-user"; status: SetupStatus; user: UserDTO }
  | { kind: "authenticated"; status: SetupStatus; user: UserDTO };

export interface EntryInput {
  status?: SetupStatus;
  statusError?: unknown;
  hasToken: boolean;
  user?: UserDTO;
  userError?: unknown;
}

/** Whether `GET /auth/me` is worth asking: single-user always, multi-user with a token once set up. */
export function needsCurrentUser(status: SetupStatus | undefined, hasToken: boolean): boolean {
  if (!status) return false;
  if (!status.multiuser_enabled) return true;
  return !status.setup_required && hasToken;
}

export function decideEntry({ status, statusError, hasToken, user, userError }: EntryInput): EntryState {
  if (!status) return statusError ? { kind: "unreachable", error: statusError } : { kind: "loading" };
  if (!status.multiuser_enabled) {
    if (user) return { kind: "single-user", status, user };
    return userError ? { kind: "unreachable", error: userError } : { kind: "loading" };
  }
  if (status.setup_required) return { kind: "setup", status };
  if (!hasToken) return { kind: "login", status };
  if (user) return { kind: "authenticated", status, user };
  if (userError) {
    return isUnauthorized(userError) ? { kind: "login", status } : { kind: "unreachable", error: userError };
  }
  return { kind: "loading" };
}

/** Where to go after signing in: back to the page the guard turned away, never to a sign-in page. */
export function returnPath(from: unknown, fallback: string): string {
  if (!from || typeof from !== "object" || !("pathname" in from) || typeof from.pathname !== "string") {
    return fallback;
  }
  const search = "search" in from && typeof from.search === "string" ? from.search : "";
  const hash = "hash" in from && typeof from.hash === "string" ? from.hash : "";
  if (from.pathname.startsWith("/login") || from.pathname.startsWith("/setup")) return fallback;
  return `${from.pathname}${search}${hash}`;
}
