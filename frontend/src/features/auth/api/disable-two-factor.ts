import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { twoFactorKey } from "./get-two-factor";

export function disableTwoFactor(body: { password: string; code: string }): Promise<{ success: boolean }> {
  return apiRequest("api/v1/auth/2fa/disable", { method: "POST", json: body });
}

export function useDisableTwoFactor() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: disableTwoFactor,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: twoFactorKey }),
  });
}
