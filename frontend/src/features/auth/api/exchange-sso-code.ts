import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { SsoLoginResponse } from "@/lib/api-types";
import { clearSignOutNotice, setToken } from "@/lib/auth-token";
import { currentUserKey } from "./get-current-user";

/** Trades the one-time code from single sign-on for a session (and the media cookie). */
export function exchangeSsoCode(code: string): Promise<SsoLoginResponse> {
  return apiRequest<SsoLoginResponse>("api/v1/auth/oidc/exchange", { method: "POST", json: { code } });
}

export function useExchangeSsoCode() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: exchangeSsoCode,
    onSuccess: (result) => {
      clearSignOutNotice();
      queryClient.setQueryData(currentUserKey, result.user);
      setToken(result.token);
    },
  });
}
