import { useMutation } from "@tanstack/react-query";
import { apiRequest } from "../../../lib/api-client";
import type { ImageMetadata } from "./get-image-metadata";

/** Client-state key the Generate panel reads its recalled parameters from. */
export const RECALL_PARAMETERS_KEY = "recall_parameters";

/** Stores an image's generation parameters in the caller's client state ("use these parameters"). */
export function saveRecallParameters(metadata: ImageMetadata): Promise<string> {
  return apiRequest<string>("api/v1/client_state/default/set_by_key", {
    method: "POST",
    query: { key: RECALL_PARAMETERS_KEY },
    json: JSON.stringify(metadata),
  });
}

export function useSaveRecallParameters() {
  return useMutation({ mutationFn: saveRecallParameters });
}
