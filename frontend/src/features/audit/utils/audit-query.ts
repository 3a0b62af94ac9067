import type { QueryParams } from "@/lib/api-client";

/** What the Audit page filters by; empty strings mean "any". Dates are `YYYY-MM-DD` (local days). */
export interface AuditFilters {
  actor: string;
  action: string;
  since: string;
  until: string;
}

export const NO_FILTERS: AuditFilters = { actor: "", action: "", since: "", until: "" };

function startOfLocalDay(day: string, offsetDays = 0): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + offsetDays);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The API query for the filters: the "until" day is included, so the bound is the next midnight. */
export function auditQuery(filters: AuditFilters, cursor: string | null, limit: number): QueryParams {
  return {
    actor: filters.actor || undefined,
    action: filters.action || undefined,
    since: filters.since ? startOfLocalDay(filters.since) : undefined,
    until: filters.until ? startOfLocalDay(filters.until, 1) : undefined,
    cursor: cursor ?? undefined,
    limit,
  };
}

/** One line saying what the details hold, e.g. `is_admin: false → true · items: 2`. */
export function describeDetails(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${describeValue(value)}`)
    .join(" · ");
}

function describeValue(value: unknown): string {
  if (value && typeof value === "object" && !Array.isArray(value) && "from" in value && "to" in value) {
    const change = value as { from: unknown; to: unknown };
    return `${describeValue(change.from)} → ${describeValue(change.to)}`;
  }
  if (Array.isArray(value)) return value.length ? value.map(describeValue).join(", ") : "none";
  if (value === null || value === undefined) return "—";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
