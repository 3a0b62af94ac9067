import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { GroupDTO } from "@/lib/api-types";

/** The groups (with members), to show each user's groups on the Users page. */
export function listGroups(signal?: AbortSignal): Promise<GroupDTO[]> {
  return apiRequest<GroupDTO[]>("api/v1/groups", { signal });
}

export const userGroupsQueryOptions = () =>
  queryOptions({ queryKey: ["groups"] as const, queryFn: ({ signal }) => listGroups(signal) });

/** user id → names of their groups. */
export function useGroupsByUser() {
  return useQuery({
    ...userGroupsQueryOptions(),
    select: (groups) => {
      const byUser = new Map<string, string[]>();
      for (const group of groups) {
        for (const member of group.members) byUser.set(member.user_id, [...(byUser.get(member.user_id) ?? []), group.name]);
      }
      return byUser;
    },
  });
}
