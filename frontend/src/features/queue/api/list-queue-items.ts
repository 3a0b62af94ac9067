import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { SessionQueueItem } from "@/lib/api-types";
import { QUEUE_ID } from "@/lib/socket";

export const queueKey = ["queue"] as const;

/** Every item in the queue; other users' come back redacted for non-administrators. */
export function listQueueItems(signal?: AbortSignal): Promise<SessionQueueItem[]> {
  return apiRequest<SessionQueueItem[]>(`api/v1/queue/${QUEUE_ID}/list_all`, { signal });
}

export const queueItemsQueryOptions = () =>
  queryOptions({
    queryKey: [...queueKey, "items"] as const,
    queryFn: ({ signal }) => listQueueItems(signal),
    staleTime: 5_000,
  });

export function useQueueItems() {
  return useQuery(queueItemsQueryOptions());
}
