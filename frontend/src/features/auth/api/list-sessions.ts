import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { SessionDTO } from "@/lib/api-types";

export const sessionsKey = ["auth", "sessions"] as const;

export function listSessions(signal?: AbortSignal): Promise<SessionDTO[]> {
  return apiRequest<SessionDTO[]>("api/v1/auth/sessions", { signal });
}

export const sessionsQueryOptions = () =>
  queryOptions({ queryKey: sessionsKey, queryFn: ({ signal }) => listSessions(signal) });

export function useSessions() {
  return useQuery(sessionsQueryOptions());
}
