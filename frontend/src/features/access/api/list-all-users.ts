import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { UserDTO } from "@/lib/api-types";

/** Every user (administrators), to pick group members from. */
export function listAllUsers(signal?: AbortSignal): Promise<UserDTO[]> {
  return apiRequest<UserDTO[]>("api/v1/auth/users", { signal });
}

export const allUsersQueryOptions = () =>
  queryOptions({ queryKey: ["users", "all"] as const, queryFn: ({ signal }) => listAllUsers(signal) });

export function useAllUsers() {
  return useQuery(allUsersQueryOptions());
}
