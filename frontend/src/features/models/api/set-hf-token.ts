import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { HFTokenStatus } from "@/lib/api-types";
import { hfTokenKey } from "./get-hf-token-status";

/** Stores a token on the server after the hub checked it; `invalid` means it was not kept. */
export function setHfToken(token: string): Promise<HFTokenStatus> {
  return apiRequest<HFTokenStatus>("api/v2/models/hf_login", { method: "POST", json: { token } });
}

export function useSetHfToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setHfToken,
    onSuccess: (status) => {
      // An `invalid` answer is about the token just tried; the stored one (if any) is unchanged.
      if (status !== "invalid") queryClient.setQueryData(hfTokenKey, status);
    },
  });
}
