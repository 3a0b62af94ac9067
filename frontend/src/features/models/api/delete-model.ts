import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { modelsKey } from "@/lib/query-keys";

/** Unregisters a model; files an install copied into the models folder are deleted with it. */
export function deleteModel(key: string): Promise<unknown> {
  return apiRequest(`api/v2/models/i/${encodeURIComponent(key)}`, { method: "DELETE" });
}

export function useDeleteModel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteModel,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: modelsKey }),
  });
}
