import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { SessionQueueItem } from "@/lib/api-types";
import { QUEUE_ID } from "@/lib/socket";
import { queueKey } from "./list-queue-items";

/** One item with its whole session (graph, results, error): in full for its owner and
 * administrators (owners who are not administrators read the error as a sentence). */
export function getQueueItem(itemId: number, signal?: AbortSignal): Promise<SessionQueueItem> {
  return apiRequest<SessionQueueItem>(`api/v1/queue/${QUEUE_ID}/i/${itemId}`, { signal });
}

export const queueItemQueryOptions = (itemId: number) =>
  queryOptions({
    queryKey: [...queueKey, "item", itemId] as const,
    queryFn: ({ signal }) => getQueueItem(itemId, signal),
  });

export function useQueueItem(itemId: number) {
  return useQuery(queueItemQueryOptions(itemId));
}
