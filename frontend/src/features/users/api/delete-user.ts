import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { usersKey } from "./list-users";

/** Keeps the user's boards and images unless `reassignTo` names who receives them. */
export function deleteUser(userId: string, reassignTo: string | null): Promise<void> {
  return apiRequest<void>(`api/v1/auth/users/${encodeURIComponent(userId)}`, {
    method: "DELETE",
    query: { reassign_to: reassignTo },
  });
}

export function useDeleteUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, reassignTo }: { userId: string; reassignTo: string | null }) =>
      deleteUser(userId, reassignTo),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: usersKey }),
  });
}
