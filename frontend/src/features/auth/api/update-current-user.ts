import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { UserDTO } from "@/lib/api-types";
import type { components } from "@/api/schema.gen";
import { currentUserKey } from "./get-current-user";
import { sessionsKey } from "./list-sessions";

type ProfileUpdate = components["schemas"]["UserProfileUpdateRequest"];

/** A password change answers with `X-Refreshed-Token` (the api client adopts it) and revokes the
 * caller's other sessions. */
export function updateCurrentUser(body: ProfileUpdate): Promise<UserDTO> {
  return apiRequest<UserDTO>("api/v1/auth/me", { method: "PATCH", json: body });
}

export function useUpdateCurrentUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateCurrentUser,
    onSuccess: (user) => {
      queryClient.setQueryData(currentUserKey, user);
      void queryClient.invalidateQueries({ queryKey: sessionsKey });
    },
  });
}
