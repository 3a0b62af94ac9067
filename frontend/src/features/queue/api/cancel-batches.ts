import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { components } from "@/api/schema.gen";
import { QUEUE_ID } from "@/lib/socket";
import { queueKey } from "./list-queue-items";

type CanceledResult = components["schemas"]["CanceledResult"];

/** Cancels the unfinished items of these batches (the caller's own; administrators: anyone's). */
export function cancelBatches(batchIds: string[]): Promise<CanceledResult> {
  return apiRequest<CanceledResult>(`api/v1/queue/${QUEUE_ID}/cancel_by_batch_ids`, {
    method: "PUT",
    json: { batch_ids: batchIds },
  });
}

export function useCancelBatches() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: cancelBatches,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queueKey }),
  });
}
