import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { GroupDTO, UserDTO } from "@/lib/api-types";

/** People and groups an administrator may pick from when sharing (others type an e-mail). */
export interface ShareCandidates {
  users: UserDTO[];
  groups: GroupDTO[];
}

export async function listShareCandidates(signal?: AbortSignal): Promise<ShareCandidates> {
  const [users, groups] = await Promise.all([
    apiRequest<UserDTO[]>("api/v1/auth/users", { signal }),
    apiRequest<GroupDTO[]>("api/v1/groups", { signal }),
  ]);
  return { users, groups };
}

export const shareCandidatesQueryOptions = () =>
  queryOptions({ queryKey: ["share-candidates"] as const, queryFn: ({ signal }) => listShareCandidates(signal) });

export function useShareCandidates(enabled: boolean) {
  return useQuery({ ...shareCandidatesQueryOptions(), enabled });
}
