import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { GroupDTO } from "@/lib/api-types";
import { groupsKey } from "./list-groups";

export function createGroup(body: { name: string; description?: string | null }): Promise<GroupDTO> {
  return apiRequest<GroupDTO>("api/v1/groups", { method: "POST", json: body });
}

export function useCreateGroup() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: createGroup, onSuccess: () => queryClient.invalidateQueries({ queryKey: groupsKey }) });
}
