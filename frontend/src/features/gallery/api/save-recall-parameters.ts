import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { clientStateKey, RECALL_PARAMETERS_KEY } from "@/lib/query-keys";
import type { ImageMetadata } from "./get-image-metadata";

/** Stores an image's generation parameters in the caller's client state ("use these
 * parameters"); the Generate panel reads them from there, applies them and clears them. */
export function saveRecallParameters(metadata: ImageMetadata): Promise<string> {
  return apiRequest<string>("api/v1/client_state/default/set_by_key", {
    method: "POST",
    query: { key: RECALL_PARAMETERS_KEY },
    json: JSON.stringify(metadata),
  });
}

export function useSaveRecallParameters() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: saveRecallParameters,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clientStateKey(RECALL_PARAMETERS_KEY) }),
  });
}
