import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { ApiTokenDTO } from "@/lib/api-types";

export const apiTokensKey = ["auth", "api-tokens"] as const;

export function listApiTokens(signal?: AbortSignal): Promise<ApiTokenDTO[]> {
  return apiRequest<ApiTokenDTO[]>("api/v1/auth/tokens", { signal });
}

export const apiTokensQueryOptions = () =>
  queryOptions({ queryKey: apiTokensKey, queryFn: ({ signal }) => listApiTokens(signal) });

export function useApiTokens() {
  return useQuery(apiTokensQueryOptions());
}
