import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { setToken } from "@/lib/auth-token";
import type { SessionDTO } from "@/lib/api-types";
import { sessionsKey } from "./list-sessions";

export function revokeSession(sessionId: string): Promise<{ success: boolean }> {
  return apiRequest(`api/v1/auth/sessions/${encodeURIComponent(sessionId)}`, { method: "DELETE" });
}

export function useRevokeSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (session: SessionDTO) => revokeSession(session.session_id),
    onSuccess: (_result, session) => {
      if (session.is_current) {
        setToken(null, "This session was revoked.");
        return;
      }
      void queryClient.invalidateQueries({ queryKey: sessionsKey });
    },
  });
}
