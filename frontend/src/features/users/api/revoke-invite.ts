import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { invitesKey } from "./list-invites";

export function revokeInvite(inviteId: string): Promise<void> {
  return apiRequest<void>(`api/v1/auth/invites/${encodeURIComponent(inviteId)}`, { method: "DELETE" });
}

export function useRevokeInvite() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeInvite,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: invitesKey }),
  });
}
