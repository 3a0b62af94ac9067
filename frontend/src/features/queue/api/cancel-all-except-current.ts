import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { components } from "@/api/schema.gen";
import { QUEUE_ID } from "@/lib/socket";
import { queueKey } from "./list-queue-items";

type CanceledResult = components["schemas"]["CanceledResult"];

/** Cancels every waiting item, leaving the running one: the caller's own (administrators: all). */
export function cancelAllExceptCurrent(): Promise<CanceledResult> {
  return apiRequest<CanceledResult>(`api/v1/queue/${QUEUE_ID}/cancel_all_except_current`, { method: "PUT" });
}

export function useCancelAllExceptCurrent() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: cancelAllExceptCurrent,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queueKey }),
  });
}
