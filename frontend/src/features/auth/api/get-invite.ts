import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { InviteInfo } from "@/lib/api-types";

/** What an invite link offers; 400 when it is unknown, used, revoked or expired. */
export const inviteQueryOptions = (token: string) =>
  queryOptions({
    queryKey: ["auth", "invite", token] as const,
    queryFn: ({ signal }) => apiRequest<InviteInfo>(`api/v1/auth/invites/${encodeURIComponent(token)}`, { signal }),
    retry: false,
  });

export function useInvite(token: string) {
  return useQuery({ ...inviteQueryOptions(token), enabled: token !== "" });
}
