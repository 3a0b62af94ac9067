import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { ModelConfig } from "@/lib/api-types";
import { modelsKey } from "@/lib/query-keys";

/** Every installed model the caller may use, by name: the pickers (LoRA, VAE, refiner,
 * ControlNet, upscaler) take theirs from this one list. */
export function listModels(signal?: AbortSignal): Promise<ModelConfig[]> {
  return apiRequest<{ models: ModelConfig[] }>("api/v2/models/", { signal }).then((list) =>
    [...list.models].sort((a, b) => a.name.localeCompare(b.name)),
  );
}

export const modelsQueryOptions = () =>
  queryOptions({
    queryKey: [...modelsKey, "list", "all"] as const,
    queryFn: ({ signal }) => listModels(signal),
  });

export function useModels() {
  return useQuery(modelsQueryOptions());
}
