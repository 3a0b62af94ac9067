import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { QUEUE_ID } from "@/lib/socket";
import { queueKey } from "./list-queue-items";

/** Cancels and deletes the caller's items; an administrator's clear empties the whole queue. */
export function clearQueue(): Promise<{ deleted: number }> {
  return apiRequest<{ deleted: number }>(`api/v1/queue/${QUEUE_ID}/clear`, { method: "PUT" });
}

export function useClearQueue() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: clearQueue,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queueKey }),
  });
}
