import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { clearSignOutNotice, setToken } from "@/lib/auth-token";
import type { components } from "@/api/schema.gen";
import { currentUserKey } from "./get-current-user";
import { setupStatusKey } from "./get-setup-status";
import { logIn } from "./log-in";

type SetupRequest = components["schemas"]["SetupRequest"];
type SetupResponse = components["schemas"]["SetupResponse"];

export function setUpAdmin(body: SetupRequest): Promise<SetupResponse> {
  return apiRequest<SetupResponse>("api/v1/auth/setup", { method: "POST", json: body });
}

/** Creates the first administrator and signs them straight in. The setup status is refreshed
 * only afterwards, so the guard goes from "setup" directly to "signed in". */
export function useSetUpAdmin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: SetupRequest & { password: string }) => {
      await setUpAdmin(body);
      return logIn({ email: body.email, password: body.password, remember_me: false });
    },
    onSuccess: (result) => {
      clearSignOutNotice();
      queryClient.setQueryData(currentUserKey, result.user);
      setToken(result.token);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: setupStatusKey }),
  });
}
