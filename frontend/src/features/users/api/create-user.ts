import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { UserDTO } from "@/lib/api-types";
import type { components } from "@/api/schema.gen";
import { usersKey } from "./list-users";

export type UserCreate = components["schemas"]["AdminUserCreateRequest"];

export function createUser(body: UserCreate): Promise<UserDTO> {
  return apiRequest<UserDTO>("api/v1/auth/users", { method: "POST", json: body });
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createUser,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: usersKey }),
  });
}
