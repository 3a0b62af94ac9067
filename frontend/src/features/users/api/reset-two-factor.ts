import { useMutation } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";

/** An administrator turns off someone's two-factor authentication (a lost phone); they sign in
 * with their password again and may set it up anew. */
export function resetTwoFactor(userId: string): Promise<void> {
  return apiRequest<void>(`api/v1/auth/users/${encodeURIComponent(userId)}/2fa`, { method: "DELETE" });
}

export function useResetTwoFactor() {
  return useMutation({ mutationFn: (userId: string) => resetTwoFactor(userId) });
}
