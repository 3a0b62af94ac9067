import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { InviteCreate, InviteCreated } from "@/lib/api-types";
import { invitesKey } from "./list-invites";

/** The answer holds the link's secret, shown once. */
export function createInvite(body: InviteCreate): Promise<InviteCreated> {
  return apiRequest<InviteCreated>("api/v1/auth/invites", { method: "POST", json: body });
}

export function useCreateInvite() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createInvite,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: invitesKey }),
  });
}
