import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";

const REFRESH_EVERY_MS = 30 * 60_000;

/** Re-issues the HttpOnly `gesso_media_token` cookie from the Bearer token; <img> loads of
 * image files carry it (they cannot send an Authorization header). */
export function refreshMediaCookie(): Promise<{ success: boolean }> {
  return apiRequest("api/v1/auth/media-cookie", { method: "POST" });
}

/** Keyed by user and token epoch: a password change (new epoch) kills the old cookie. */
export const mediaCookieQueryOptions = (userId: string, tokenEpoch: number) =>
  queryOptions({
    queryKey: ["auth", "media-cookie", userId, tokenEpoch] as const,
    queryFn: refreshMediaCookie,
    staleTime: REFRESH_EVERY_MS,
    refetchInterval: REFRESH_EVERY_MS,
    // A new epoch re-issues the cookie in the background; the page stays up meanwhile.
    placeholderData: keepPreviousData,
  });

export function useMediaCookie(userId: string, tokenEpoch: number, enabled: boolean) {
  return useQuery({ ...mediaCookieQueryOptions(userId, tokenEpoch), enabled });
}
