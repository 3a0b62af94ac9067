import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { ModelInstallJob } from "@/lib/api-types";
import { installJobsKey } from "./list-install-jobs";

/** Starts an install job from a server path, an http(s) URL or a Hugging Face repo id
 * (administrators; 201 + job). A starter model brings its dependencies along. */
export function installModel(source: string, inplace: boolean): Promise<ModelInstallJob> {
  return apiRequest<ModelInstallJob>("api/v2/models/install", {
    method: "POST",
    query: { source, inplace },
    json: {},
  });
}

export function useInstallModel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ source, inplace }: { source: string; inplace: boolean }) => installModel(source, inplace),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: installJobsKey }),
  });
}
