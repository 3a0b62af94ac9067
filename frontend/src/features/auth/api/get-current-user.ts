import { queryOptions } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { UserDTO } from "@/lib/api-types";

export const currentUserKey = ["auth", "me"] as const;

export function getCurrentUser(signal?: AbortSignal): Promise<UserDTO> {
  return apiRequest<UserDTO>("api/v1/auth/me", { signal });
}

export const currentUserQueryOptions = () =>
  queryOptions({
    queryKey: currentUserKey,
    queryFn: ({ signal }) => getCurrentUser(signal),
    staleTime: 60_000,
    // Role changes made by an administrator show up when the user comes back to the tab.
    refetchOnWindowFocus: true,
  });
