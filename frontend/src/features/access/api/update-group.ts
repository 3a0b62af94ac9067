import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { GroupDTO } from "@/lib/api-types";
import { groupsKey } from "./list-groups";

export interface GroupChanges {
  groupId: string;
  name?: string;
  description?: string | null;
}

export function updateGroup({ groupId, ...changes }: GroupChanges): Promise<GroupDTO> {
  return apiRequest<GroupDTO>(`api/v1/groups/${encodeURIComponent(groupId)}`, { method: "PATCH", json: changes });
}

export function useUpdateGroup() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: updateGroup, onSuccess: () => queryClient.invalidateQueries({ queryKey: groupsKey }) });
}
