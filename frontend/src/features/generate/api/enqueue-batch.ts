import { useMutation } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { components } from "@/api/schema.gen";
import { QUEUE_ID } from "@/lib/socket";
import type { EnqueueBatchBody } from "../utils/graph";

type EnqueueBatchResult = components["schemas"]["EnqueueBatchResult"];

/** Queues the batch; the queue list and counts follow from the `batch_enqueued` event. */
export function enqueueBatch(body: EnqueueBatchBody): Promise<EnqueueBatchResult> {
  return apiRequest<EnqueueBatchResult>(`api/v1/queue/${QUEUE_ID}/enqueue_batch`, { method: "POST", json: body });
}

export function useEnqueueBatch() {
  return useMutation({ mutationFn: enqueueBatch });
}
