import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { ModelConfig } from "@/lib/api-types";
import { modelsKey } from "@/lib/query-keys";
import { canBuildFor } from "../utils/graph";

/** Installed main models the Generate panel's graphs can use (SD 1.x/2.x, SDXL; not refiners),
 * by name. */
export function listMainModels(signal?: AbortSignal): Promise<ModelConfig[]> {
  return apiRequest<{ models: ModelConfig[] }>("api/v2/models/", { query: { model_type: "main" }, signal }).then((list) =>
    list.models.filter(canBuildFor).sort((a, b) => a.name.localeCompare(b.name)),
  );
}

export const mainModelsQueryOptions = () =>
  queryOptions({
    queryKey: [...modelsKey, "list", "main"] as const,
    queryFn: ({ signal }) => listMainModels(signal),
  });

export function useMainModels() {
  return useQuery(mainModelsQueryOptions());
}
