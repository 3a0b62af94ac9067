import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { groupsKey } from "./list-groups";

/** Memberships, model grants, quotas and board shares of the group go with it. */
export function deleteGroup(groupId: string): Promise<void> {
  return apiRequest<void>(`api/v1/groups/${encodeURIComponent(groupId)}`, { method: "DELETE" });
}

export function useDeleteGroup() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: deleteGroup, onSuccess: () => queryClient.invalidateQueries({ queryKey: groupsKey }) });
}
