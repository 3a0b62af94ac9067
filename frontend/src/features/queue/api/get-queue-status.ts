import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { SessionQueueAndProcessorStatus } from "@/lib/api-types";
import { QUEUE_ID } from "@/lib/socket";
import { queueKey } from "./list-queue-items";

/** Global counts, the caller's own pending/running counts and whether the processor runs. */
export function getQueueStatus(signal?: AbortSignal): Promise<SessionQueueAndProcessorStatus> {
  return apiRequest<SessionQueueAndProcessorStatus>(`api/v1/queue/${QUEUE_ID}/status`, { signal });
}

export const queueStatusQueryOptions = () =>
  queryOptions({
    queryKey: [...queueKey, "status"] as const,
    queryFn: ({ signal }) => getQueueStatus(signal),
    staleTime: 5_000,
  });

export function useQueueStatus() {
  return useQuery(queueStatusQueryOptions());
}
