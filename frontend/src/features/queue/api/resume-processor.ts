import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { QUEUE_ID } from "@/lib/socket";
import { queueKey } from "./list-queue-items";

/** Administrators: the worker takes pending items again. */
export function resumeProcessor(): Promise<unknown> {
  return apiRequest(`api/v1/queue/${QUEUE_ID}/processor/resume`, { method: "PUT" });
}

export function useResumeProcessor() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: resumeProcessor,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queueKey }),
  });
}
