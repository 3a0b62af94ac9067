import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { apiTokensKey } from "./list-api-tokens";

export function revokeApiToken(tokenId: string): Promise<void> {
  return apiRequest<void>(`api/v1/auth/tokens/${encodeURIComponent(tokenId)}`, { method: "DELETE" });
}

export function useRevokeApiToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeApiToken,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: apiTokensKey }),
  });
}
