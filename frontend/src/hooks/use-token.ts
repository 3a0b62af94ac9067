import { useSyncExternalStore } from "react";
import { getToken, subscribeToken } from "../lib/auth-token";

export function useToken(): string | null {
  return useSyncExternalStore(subscribeToken, getToken, () => null);
}
