import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { StarterModelResponse } from "@/lib/api-types";
import { modelsKey } from "@/lib/query-keys";

/** Under the models key, so a finished install refreshes which starters are installed. */
export const starterModelsKey = [...modelsKey, "starters"] as const;

/** The curated starter models and bundles, each marked `is_installed` (administrators). */
export function listStarterModels(signal?: AbortSignal): Promise<StarterModelResponse> {
  return apiRequest<StarterModelResponse>("api/v2/models/starter_models", { signal });
}

export const starterModelsQueryOptions = () =>
  queryOptions({ queryKey: starterModelsKey, queryFn: ({ signal }) => listStarterModels(signal) });

export function useStarterModels(enabled: boolean) {
  return useQuery({ ...starterModelsQueryOptions(), enabled });
}
