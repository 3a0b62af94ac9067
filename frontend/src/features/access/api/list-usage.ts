import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { UserUsagePage } from "@/lib/api-types";

/** Every user's usage and limits in force (administrators), newest user first. */
export function listUsage(offset: number, limit: number, signal?: AbortSignal): Promise<UserUsagePage> {
  return apiRequest<UserUsagePage>("api/v1/usage", { query: { offset, limit }, signal });
}

export const usageQueryOptions = (offset: number, limit: number) =>
  queryOptions({
    queryKey: ["usage", offset, limit] as const,
    queryFn: ({ signal }) => listUsage(offset, limit, signal),
    placeholderData: keepPreviousData,
  });

export function useUsage(offset: number, limit: number) {
  return useQuery(usageQueryOptions(offset, limit));
}
