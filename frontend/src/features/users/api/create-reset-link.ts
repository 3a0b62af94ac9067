import { useMutation } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { ResetLinkCreated } from "@/lib/api-types";

/** A one-time link for the user to choose a new password; older links of theirs stop working. */
export function createResetLink(userId: string, expiresInHours: number): Promise<ResetLinkCreated> {
  return apiRequest<ResetLinkCreated>(`api/v1/auth/users/${encodeURIComponent(userId)}/reset_link`, {
    method: "POST",
    json: { expires_in_hours: expiresInHours },
  });
}

export function useCreateResetLink() {
  return useMutation({
    mutationFn: ({ userId, hours }: { userId: string; hours: number }) => createResetLink(userId, hours),
  });
}
