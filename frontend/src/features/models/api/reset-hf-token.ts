import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { HFTokenStatus } from "@/lib/api-types";
import { hfTokenKey } from "./get-hf-token-status";

/** Removes the stored token. */
export function resetHfToken(): Promise<HFTokenStatus> {
  return apiRequest<HFTokenStatus>("api/v2/models/hf_login", { method: "DELETE" });
}

export function useResetHfToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: resetHfToken,
    onSuccess: (status) => queryClient.setQueryData(hfTokenKey, status),
  });
}
