import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { UserDTO } from "@/lib/api-types";
import { toPage, type Page } from "../utils/paging";

export const usersKey = ["users"] as const;

/** Newest first, `system` hidden; no limit means every user. */
export function listUsers(offset: number, limit?: number, signal?: AbortSignal): Promise<UserDTO[]> {
  return apiRequest<UserDTO[]>("api/v1/auth/users", { query: { offset, limit }, signal });
}

/** One page; asks for one extra row to learn whether a next page exists. */
export const usersPageQueryOptions = (offset: number, pageSize: number) =>
  queryOptions({
    queryKey: [...usersKey, "page", offset, pageSize] as const,
    queryFn: async ({ signal }): Promise<Page<UserDTO>> =>
      toPage(await listUsers(offset, pageSize + 1, signal), offset, pageSize),
    placeholderData: keepPreviousData,
  });

export function useUsersPage(offset: number, pageSize: number) {
  return useQuery(usersPageQueryOptions(offset, pageSize));
}

export const allUsersQueryOptions = () =>
  queryOptions({ queryKey: [...usersKey, "all"] as const, queryFn: ({ signal }) => listUsers(0, undefined, signal) });

export function useAllUsers(enabled: boolean) {
  return useQuery({ ...allUsersQueryOptions(), enabled });
}
