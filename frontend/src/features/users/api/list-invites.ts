import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { InviteDTO } from "@/lib/api-types";

export const invitesKey = ["invites"] as const;

export const invitesQueryOptions = () =>
  queryOptions({
    queryKey: invitesKey,
    queryFn: ({ signal }) => apiRequest<InviteDTO[]>("api/v1/auth/invites", { signal }),
  });

export function useInvites() {
  return useQuery(invitesQueryOptions());
}
