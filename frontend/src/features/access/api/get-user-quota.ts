import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { UserQuotaDTO } from "@/lib/api-types";

export const userQuotaKey = (userId: string) => ["quotas", "users", userId] as const;

export function getUserQuota(userId: string, signal?: AbortSignal): Promise<UserQuotaDTO> {
  return apiRequest<UserQuotaDTO>(`api/v1/quotas/users/${encodeURIComponent(userId)}`, { signal });
}

export const userQuotaQueryOptions = (userId: string) =>
  queryOptions({ queryKey: userQuotaKey(userId), queryFn: ({ signal }) => getUserQuota(userId, signal) });

export function useUserQuota(userId: string) {
  return useQuery(userQuotaQueryOptions(userId));
}
