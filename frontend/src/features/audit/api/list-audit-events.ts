import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { AuditPage } from "@/lib/api-types";
import { auditQuery, type AuditFilters } from "../utils/audit-query";

export const auditKey = ["audit"] as const;

/** One page of the audit log, newest first; `cursor` is the previous page's `next_cursor`. */
export function listAuditEvents(filters: AuditFilters, cursor: string | null, limit: number, signal?: AbortSignal) {
  return apiRequest<AuditPage>("api/v1/audit", { query: auditQuery(filters, cursor, limit), signal });
}

export const auditPageQueryOptions = (filters: AuditFilters, cursor: string | null, limit: number) =>
  queryOptions({
    queryKey: [...auditKey, "page", filters, cursor, limit] as const,
    queryFn: ({ signal }) => listAuditEvents(filters, cursor, limit, signal),
    placeholderData: keepPreviousData,
  });

export function useAuditPage(filters: AuditFilters, cursor: string | null, limit: number) {
  return useQuery(auditPageQueryOptions(filters, cursor, limit));
}
