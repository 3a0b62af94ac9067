import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { clearSignOutNotice, setToken } from "@/lib/auth-token";
import type { components } from "@/api/schema.gen";
import { currentUserKey } from "./get-current-user";

type LoginRequest = components["schemas"]["LoginRequest"];
type LoginResponse = components["schemas"]["LoginResponse"];

/** Also sets the HttpOnly media cookie (server side) so <img> tags can load images. */
export function logIn(body: LoginRequest): Promise<LoginResponse> {
  return apiRequest<LoginResponse>("api/v1/auth/login", { method: "POST", json: body });
}

export function useLogIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logIn,
    onSuccess: (result) => {
      clearSignOutNotice();
      queryClient.setQueryData(currentUserKey, result.user);
      setToken(result.token);
    },
  });
}
