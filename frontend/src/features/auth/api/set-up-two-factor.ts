import { useMutation } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { TwoFactorSetup } from "@/lib/api-types";

/** A new secret to scan; not active until enabled with a code. */
export function setUpTwoFactor(): Promise<TwoFactorSetup> {
  return apiRequest<TwoFactorSetup>("api/v1/auth/2fa/setup", { method: "POST" });
}

export function useSetUpTwoFactor() {
  return useMutation({ mutationFn: setUpTwoFactor });
}
