import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { clientStateKey } from "@/lib/query-keys";
import { THEME_KEY, type ThemeChoice } from "../utils/theme-choice";

/** Saves the caller's theme choice, so it follows them to another browser. */
export function setThemeChoice(choice: ThemeChoice): Promise<string> {
  return apiRequest<string>("api/v1/client_state/default/set_by_key", { method: "POST", query: { key: THEME_KEY }, json: choice });
}

export function useSetThemeChoice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setThemeChoice,
    onSuccess: (_, choice) => queryClient.setQueryData(clientStateKey(THEME_KEY), choice),
  });
}
