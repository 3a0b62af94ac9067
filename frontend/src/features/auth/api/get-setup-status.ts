import { queryOptions } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { SetupStatus } from "@/lib/api-types";

export const setupStatusKey = ["auth", "status"] as const;

export function getSetupStatus(signal?: AbortSignal): Promise<SetupStatus> {
  return apiRequest<SetupStatus>("api/v1/auth/status", { signal });
}

export const setupStatusQueryOptions = () =>
  queryOptions({
    queryKey: setupStatusKey,
    queryFn: ({ signal }) => getSetupStatus(signal),
    staleTime: Infinity,
  });
