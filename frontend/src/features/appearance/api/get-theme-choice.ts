import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { clientStateKey } from "@/lib/query-keys";
import { parseThemeChoice, THEME_KEY, type ThemeChoice } from "../utils/theme-choice";

/** The caller's saved theme choice (client state, per user), or null when never chosen. */
export async function getThemeChoice(signal?: AbortSignal): Promise<ThemeChoice | null> {
  const value = await apiRequest<string | null>("api/v1/client_state/default/get_by_key", { query: { key: THEME_KEY }, signal });
  return parseThemeChoice(value);
}

export const themeChoiceQueryOptions = () =>
  queryOptions({ queryKey: clientStateKey(THEME_KEY), queryFn: ({ signal }) => getThemeChoice(signal), staleTime: Infinity });

export function useThemeChoice() {
  return useQuery(themeChoiceQueryOptions());
}
