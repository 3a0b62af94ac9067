import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { twoFactorKey } from "./get-two-factor";

/** Turns the second factor on; the answer holds the recovery codes, shown once. */
export function enableTwoFactor(code: string): Promise<{ recovery_codes: string[] }> {
  return apiRequest("api/v1/auth/2fa/enable", { method: "POST", json: { code } });
}

export function useEnableTwoFactor() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: enableTwoFactor,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: twoFactorKey }),
  });
}
