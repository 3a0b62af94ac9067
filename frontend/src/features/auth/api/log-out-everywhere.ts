import { useMutation } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { setToken } from "@/lib/auth-token";
import type { components } from "@/api/schema.gen";

type LogoutAllResponse = components["schemas"]["LogoutAllResponse"];

/** Revokes every session of the caller, this one included. */
export function logOutEverywhere(): Promise<LogoutAllResponse> {
  return apiRequest<LogoutAllResponse>("api/v1/auth/logout_all", { method: "POST" });
}

export function useLogOutEverywhere() {
  return useMutation({
    mutationFn: logOutEverywhere,
    onSuccess: (result) =>
      setToken(null, `Signed out everywhere (${result.revoked} session${result.revoked === 1 ? "" : "s"}).`),
  });
}
