import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { UserDTO } from "@/lib/api-types";
import type { components } from "@/api/schema.gen";
import { usersKey } from "./list-users";

export type UserUpdate = components["schemas"]["AdminUserUpdateRequest"];

export function updateUser(userId: string, body: UserUpdate): Promise<UserDTO> {
  return apiRequest<UserDTO>(`api/v1/auth/users/${encodeURIComponent(userId)}`, { method: "PATCH", json: body });
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, changes }: { userId: string; changes: UserUpdate }) => updateUser(userId, changes),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: usersKey }),
  });
}
