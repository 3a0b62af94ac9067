import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { GroupDTO } from "@/lib/api-types";

export const groupsKey = ["groups"] as const;

export function listGroups(signal?: AbortSignal): Promise<GroupDTO[]> {
  return apiRequest<GroupDTO[]>("api/v1/groups", { signal });
}

export const groupsQueryOptions = () => queryOptions({ queryKey: groupsKey, queryFn: ({ signal }) => listGroups(signal) });

export function useGroups() {
  return useQuery(groupsQueryOptions());
}
