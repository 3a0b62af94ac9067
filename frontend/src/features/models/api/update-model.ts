import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { ModelConfig, ModelRecordChanges } from "@/lib/api-types";
import { modelsKey } from "@/lib/query-keys";

/** Changes a model's name, description or default settings (administrators). */
export function updateModel(key: string, changes: ModelRecordChanges): Promise<ModelConfig> {
  return apiRequest<ModelConfig>(`api/v2/models/i/${encodeURIComponent(key)}`, { method: "PATCH", json: changes });
}

export function useUpdateModel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ key, changes }: { key: string; changes: ModelRecordChanges }) => updateModel(key, changes),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: modelsKey }),
  });
}
