import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { SessionQueueItem } from "@/lib/api-types";
import { QUEUE_ID } from "@/lib/socket";
import { queueKey } from "./list-queue-items";

/** Cancels one item: one's own, or anyone's for administrators (403 otherwise). */
export function cancelQueueItem(itemId: number): Promise<SessionQueueItem> {
  return apiRequest<SessionQueueItem>(`api/v1/queue/${QUEUE_ID}/i/${itemId}/cancel`, { method: "PUT" });
}

export function useCancelQueueItem() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: cancelQueueItem,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queueKey }),
  });
}
