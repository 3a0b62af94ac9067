import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { QUEUE_ID } from "@/lib/socket";
import { queueKey } from "./list-queue-items";

/** Administrators: the worker finishes its current item and then takes no new ones. */
export function pauseProcessor(): Promise<unknown> {
  return apiRequest(`api/v1/queue/${QUEUE_ID}/processor/pause`, { method: "PUT" });
}

export function usePauseProcessor() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: pauseProcessor,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queueKey }),
  });
}
