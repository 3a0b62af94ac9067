import { apiRequest } from "@/lib/api-client";

/** One of the caller's client-state values (a string, usually JSON), or null when unset. */
export function getClientState(key: string, signal?: AbortSignal): Promise<string | null> {
  return apiRequest<string | null>("api/v1/client_state/default/get_by_key", { query: { key }, signal }).then(
    (value) => value ?? null,
  );
}
