import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { clientStateKey, RECALL_PARAMETERS_KEY } from "@/lib/query-keys";

/** The parameters "use these parameters" stored (a JSON string), or null when there are none. */
export function getRecallParameters(signal?: AbortSignal): Promise<string | null> {
  return apiRequest<string | null>("api/v1/client_state/default/get_by_key", {
    query: { key: RECALL_PARAMETERS_KEY },
    signal,
  }).then((value) => value ?? null);
}

export const recallParametersQueryOptions = () =>
  queryOptions({
    queryKey: clientStateKey(RECALL_PARAMETERS_KEY),
    queryFn: ({ signal }) => getRecallParameters(signal),
    staleTime: 0,
  });

export function useRecallParameters() {
  return useQuery(recallParametersQueryOptions());
}
