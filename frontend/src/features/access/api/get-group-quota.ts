import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { GroupQuotaDTO } from "@/lib/api-types";

export const groupQuotaKey = (groupId: string) => ["quotas", "groups", groupId] as const;

export function getGroupQuota(groupId: string, signal?: AbortSignal): Promise<GroupQuotaDTO> {
  return apiRequest<GroupQuotaDTO>(`api/v1/quotas/groups/${encodeURIComponent(groupId)}`, { signal });
}

export const groupQuotaQueryOptions = (groupId: string) =>
  queryOptions({ queryKey: groupQuotaKey(groupId), queryFn: ({ signal }) => getGroupQuota(groupId, signal) });

export function useGroupQuota(groupId: string) {
  return useQuery(groupQuotaQueryOptions(groupId));
}
