import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { TwoFactorStatus } from "@/lib/api-types";

export const twoFactorKey = ["auth", "2fa"] as const;

export const twoFactorQueryOptions = () =>
  queryOptions({
    queryKey: twoFactorKey,
    queryFn: ({ signal }) => apiRequest<TwoFactorStatus>("api/v1/auth/2fa", { signal }),
  });

export function useTwoFactor(enabled = true) {
  return useQuery({ ...twoFactorQueryOptions(), enabled });
}
