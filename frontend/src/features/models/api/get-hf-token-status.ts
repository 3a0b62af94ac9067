import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { HFTokenStatus } from "@/lib/api-types";
import { modelsKey } from "@/lib/query-keys";

export const hfTokenKey = [...modelsKey, "hf-token"] as const;

/** Whether a Hugging Face token is set and the hub accepts it (the token itself never comes back). */
export function getHfTokenStatus(signal?: AbortSignal): Promise<HFTokenStatus> {
  return apiRequest<HFTokenStatus>("api/v2/models/hf_login", { signal });
}

export const hfTokenStatusQueryOptions = () =>
  queryOptions({ queryKey: hfTokenKey, queryFn: ({ signal }) => getHfTokenStatus(signal) });

export function useHfTokenStatus(enabled: boolean) {
  return useQuery({ ...hfTokenStatusQueryOptions(), enabled });
}
