import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { installJobsKey } from "./list-install-jobs";

/** Forgets finished jobs (completed, failed and cancelled); running ones stay (204). */
export function pruneInstallJobs(): Promise<unknown> {
  return apiRequest("api/v2/models/install", { method: "DELETE" });
}

export function usePruneInstallJobs() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: pruneInstallJobs,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: installJobsKey }),
  });
}
