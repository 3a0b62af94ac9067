import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { groupsKey } from "./list-groups";

export function removeGroupMember({ groupId, userId }: { groupId: string; userId: string }): Promise<void> {
  const path = `api/v1/groups/${encodeURIComponent(groupId)}/members/${encodeURIComponent(userId)}`;
  return apiRequest<void>(path, { method: "DELETE" });
}

export function useRemoveGroupMember() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: removeGroupMember,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: groupsKey }),
  });
}
