import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { GroupDTO, UserDTO } from "@/lib/api-types";

/** Users and groups an administrator may allow on a restricted model. */
export interface AccessCandidates {
  users: UserDTO[];
  groups: GroupDTO[];
}

export async function listAccessCandidates(signal?: AbortSignal): Promise<AccessCandidates> {
  const [users, groups] = await Promise.all([
    apiRequest<UserDTO[]>("api/v1/auth/users", { signal }),
    apiRequest<GroupDTO[]>("api/v1/groups", { signal }),
  ]);
  return { users, groups };
}

export const accessCandidatesQueryOptions = () =>
  queryOptions({ queryKey: ["model-access-candidates"] as const, queryFn: ({ signal }) => listAccessCandidates(signal) });

export function useAccessCandidates(enabled: boolean) {
  return useQuery({ ...accessCandidatesQueryOptions(), enabled });
}
