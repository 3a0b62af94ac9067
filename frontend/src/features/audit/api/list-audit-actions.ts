import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { AuditAction } from "@/lib/api-types";

export const auditActionsQueryOptions = () =>
  queryOptions({
    queryKey: ["audit", "actions"] as const,
    queryFn: ({ signal }) => apiRequest<AuditAction[]>("api/v1/audit/actions", { signal }),
    staleTime: Infinity,
  });

export function useAuditActions() {
  return useQuery(auditActionsQueryOptions());
}
