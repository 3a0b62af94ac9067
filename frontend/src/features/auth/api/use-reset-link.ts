import { useMutation } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";

/** Sets the new password; every session of that account ends. */
export function resetPassword(token: string, password: string): Promise<{ success: boolean }> {
  return apiRequest(`api/v1/auth/reset/${encodeURIComponent(token)}`, { method: "POST", json: { password } });
}

export function useResetPassword(token: string) {
  return useMutation({ mutationFn: (password: string) => resetPassword(token, password) });
}
