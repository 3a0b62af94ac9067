import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { ApiTokenCreated, ApiTokenCreateRequest } from "@/lib/api-types";
import { apiTokensKey } from "./list-api-tokens";

/** The answer carries the secret (`token`): the only time the server ever shows it. */
export function createApiToken(body: ApiTokenCreateRequest): Promise<ApiTokenCreated> {
  return apiRequest<ApiTokenCreated>("api/v1/auth/tokens", { method: "POST", json: body });
}

export function useCreateApiToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createApiToken,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: apiTokensKey }),
  });
}
