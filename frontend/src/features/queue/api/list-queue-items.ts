import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { SessionQueueItem } from "@/lib/api-types";
import { QUEUE_ID } from "@/lib/socket";

export const queueKey = ["queue"] as const;

/** One page of the queue: unfinished items first, then finished ones newest first (`offset`
 * pages back into the history). Other users' items come back redacted for non-administrators. */
export function listQueueItems(offset: number, limit: number, signal?: AbortSignal): Promise<SessionQueueItem[]> {
  return apiRequest<SessionQueueItem[]>(`api/v1/queue/${QUEUE_ID}/list_all`, { query: { offset, limit }, signal });
}

export const queueItemsQueryOptions = (offset: number, limit: number) =>
  queryOptions({
    queryKey: [...queueKey, "items", offset, limit] as const,
    queryFn: ({ signal }) => listQueueItems(offset, limit, signal),
    staleTime: 5_000,
    placeholderData: keepPreviousData,
  });

export function useQueueItems(offset: number, limit: number) {
  return useQuery(queueItemsQueryOptions(offset, limit));
}
