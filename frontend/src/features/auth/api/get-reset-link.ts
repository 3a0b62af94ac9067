import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { ResetInfo } from "@/lib/api-types";

export const resetLinkQueryOptions = (token: string) =>
  queryOptions({
    queryKey: ["auth", "reset", token] as const,
    queryFn: ({ signal }) => apiRequest<ResetInfo>(`api/v1/auth/reset/${encodeURIComponent(token)}`, { signal }),
    retry: false,
  });

export function useResetLink(token: string) {
  return useQuery({ ...resetLinkQueryOptions(token), enabled: token !== "" });
}
