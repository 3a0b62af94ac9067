import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { UsageDTO } from "@/lib/api-types";

export const myUsageKey = ["auth", "me", "usage"] as const;

export function getMyUsage(signal?: AbortSignal): Promise<UsageDTO> {
  return apiRequest<UsageDTO>("api/v1/auth/me/usage", { signal });
}

export const myUsageQueryOptions = () =>
  queryOptions({ queryKey: myUsageKey, queryFn: ({ signal }) => getMyUsage(signal), refetchInterval: 30_000 });

export function useMyUsage() {
  return useQuery(myUsageQueryOptions());
}
