import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { GroupDTO } from "@/lib/api-types";
import { groupsKey } from "./list-groups";

export function addGroupMember({ groupId, userId }: { groupId: string; userId: string }): Promise<GroupDTO> {
  const path = `api/v1/groups/${encodeURIComponent(groupId)}/members/${encodeURIComponent(userId)}`;
  return apiRequest<GroupDTO>(path, { method: "PUT" });
}

export function useAddGroupMember() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: addGroupMember,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: groupsKey }),
  });
}
