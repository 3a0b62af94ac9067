import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { ModelConfig } from "@/lib/api-types";
import { modelsKey } from "@/lib/query-keys";
import type { components } from "@/api/schema.gen";

type ModelsList = components["schemas"]["ModelsList"];

/** Every installed model (anyone may list them). */
export function listModels(signal?: AbortSignal): Promise<ModelConfig[]> {
  return apiRequest<ModelsList>("api/v2/models/", { signal }).then((list) => list.models);
}

export const modelsQueryOptions = () =>
  queryOptions({
    queryKey: [...modelsKey, "list", "all"] as const,
    queryFn: ({ signal }) => listModels(signal),
  });

export function useModels() {
  return useQuery(modelsQueryOptions());
}
