import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { InviteAccept, LoginResponse } from "@/lib/api-types";
import { clearSignOutNotice, setToken } from "@/lib/auth-token";
import { currentUserKey } from "./get-current-user";

/** Creates the account and signs it in (the answer is a login answer, media cookie included). */
export function acceptInvite(token: string, body: InviteAccept): Promise<LoginResponse> {
  return apiRequest<LoginResponse>(`api/v1/auth/invites/${encodeURIComponent(token)}/accept`, {
    method: "POST",
    json: body,
  });
}

export function useAcceptInvite(token: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: InviteAccept) => acceptInvite(token, body),
    onSuccess: (result) => {
      clearSignOutNotice();
      queryClient.setQueryData(currentUserKey, result.user);
      setToken(result.token);
    },
  });
}
