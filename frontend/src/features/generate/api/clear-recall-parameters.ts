import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { clientStateKey, RECALL_PARAMETERS_KEY } from "@/lib/query-keys";

/** Forgets recalled parameters once the panel has applied them, so they apply only once. */
export function clearRecallParameters(): Promise<unknown> {
  return apiRequest("api/v1/client_state/default/delete_by_key", {
    method: "POST",
    query: { key: RECALL_PARAMETERS_KEY },
  });
}

export function useClearRecallParameters() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: clearRecallParameters,
    onMutate: () => queryClient.setQueryData(clientStateKey(RECALL_PARAMETERS_KEY), null),
  });
}
