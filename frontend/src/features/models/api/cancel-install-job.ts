import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { installJobsKey } from "./list-install-jobs";

/** Cancels an install job; whatever it downloaded is removed (201, no body). */
export function cancelInstallJob(id: number): Promise<unknown> {
  return apiRequest(`api/v2/models/install/${id}`, { method: "DELETE" });
}

export function useCancelInstallJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: cancelInstallJob,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: installJobsKey }),
  });
}
