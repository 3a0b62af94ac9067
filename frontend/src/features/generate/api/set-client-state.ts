import { apiRequest } from "@/lib/api-client";

/** Stores one of the caller's client-state values (private to the caller, on the server, so it
 * follows them to another browser). */
export function setClientState(key: string, value: string): Promise<string> {
  return apiRequest<string>("api/v1/client_state/default/set_by_key", { method: "POST", query: { key }, json: value });
}
