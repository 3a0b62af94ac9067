/** The one fetch wrapper: resolves paths against the app root, sends the Bearer token, adopts
 * `X-Refreshed-Token`, turns a 401 on an authenticated request into a sign-out, and raises
 * `ApiError` with the server's `{"detail": …}` message. */
import { resolveAppUrl } from "./app-root";
import { adoptRefreshedToken, getToken, setToken } from "./auth-token";

export const REFRESHED_TOKEN_HEADER = "X-Refreshed-Token";
export const SESSION_ENDED_NOTICE = "Your session has ended. Please sign in again.";

type QueryValue = string | number | boolean | null | undefined;
export type QueryParams = Record<string, QueryValue | readonly QueryValue[]>;

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  query?: QueryParams;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as multipart/form-data (uploads). */
  form?: FormData;
  signal?: AbortSignal;
}

export class ApiError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

export function isUnauthorized(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

/** A sentence for the user from whatever went wrong. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return "Cannot reach the Gesso server. Check your connection.";
  if (error instanceof Error && error.message) return error.message;
  return "Something went wrong.";
}

interface ValidationItem {
  loc?: unknown[];
  msg?: string;
}

/** `{"detail": "…"}` or FastAPI's validation list → one readable line. */
export function detailMessage(body: unknown, status: number, statusText: string): string {
  const detail = body && typeof body === "object" && "detail" in body ? body.detail : undefined;
  if (typeof detail === "string" && detail) return detail;
  if (Array.isArray(detail) && detail.length > 0) {
    return (detail as ValidationItem[])
      .map((item) => {
        const field = (item.loc ?? []).filter((part) => part !== "body" && part !== "query").join(".");
        const msg = item.msg ?? "is invalid";
        return field ? `${field}: ${msg}` : msg;
      })
      .join("; ");
  }
  return `Request failed (${status}${statusText ? ` ${statusText}` : ""})`;
}

export function buildUrl(path: string, query?: QueryParams): string {
  const url = new URL(resolveAppUrl(path));
  for (const [key, value] of Object.entries(query ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (item !== undefined && item !== null) url.searchParams.append(key, String(item));
    }
  }
  return url.toString();
}

export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const sent = getToken();
  const headers: Record<string, string> = { Accept: "application/json" };
  if (sent) headers.Authorization = `Bearer ${sent}`;
  let body: BodyInit | undefined;
  if (options.form) {
    body = options.form;
  } else if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  const response = await fetch(buildUrl(path, options.query), {
    method: options.method ?? "GET",
    headers,
    body,
    credentials: "same-origin",
    signal: options.signal,
  });

  const adopted = adoptRefreshedToken(sent, getToken(), response.headers.get(REFRESHED_TOKEN_HEADER));
  if (adopted) setToken(adopted);

  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!response.ok) {
    // A 401 for a token we still hold means the session is over (logout elsewhere, password
    // changed, account disabled): forget it so the guard shows the login page.
    if (response.status === 401 && sent && getToken() === sent) setToken(null, SESSION_ENDED_NOTICE);
    throw new ApiError(response.status, detailMessage(parsed, response.status, response.statusText));
  }
  return parsed as T;
}

/** A binary GET (a zip): the same token handling as `apiRequest`, the body as a Blob. */
export async function apiBlob(path: string, signal?: AbortSignal): Promise<Blob> {
  const sent = getToken();
  const headers: Record<string, string> = sent ? { Authorization: `Bearer ${sent}` } : {};
  const response = await fetch(buildUrl(path), { headers, credentials: "same-origin", signal });
  if (!response.ok) {
    if (response.status === 401 && sent && getToken() === sent) setToken(null, SESSION_ENDED_NOTICE);
    const parsed: unknown = await response.json().catch(() => undefined);
    throw new ApiError(response.status, detailMessage(parsed, response.status, response.statusText));
  }
  return response.blob();
}
