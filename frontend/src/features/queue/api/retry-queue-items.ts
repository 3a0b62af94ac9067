import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { components } from "@/api/schema.gen";
import { QUEUE_ID } from "@/lib/socket";
import { queueKey } from "./list-queue-items";

type RetryItemsResult = components["schemas"]["RetryItemsResult"];

/** Enqueues failed or canceled items again (one's own; administrators: anyone's). */
export function retryQueueItems(itemIds: number[]): Promise<RetryItemsResult> {
  return apiRequest<RetryItemsResult>(`api/v1/queue/${QUEUE_ID}/retry_items_by_id`, { method: "PUT", json: itemIds });
}

export function useRetryQueueItems() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: retryQueueItems,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queueKey }),
  });
}
