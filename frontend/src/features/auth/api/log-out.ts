import { useMutation } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { setToken } from "@/lib/auth-token";

/** Revokes this session on the server and deletes the media cookie. */
export function logOut(): Promise<{ success: boolean }> {
  return apiRequest("api/v1/auth/logout", { method: "POST" });
}

export function useLogOut() {
  return useMutation({
    mutationFn: logOut,
    // Forget the token even when the server could not be reached: the user asked to leave.
    onSettled: () => setToken(null, "You have signed out."),
  });
}
