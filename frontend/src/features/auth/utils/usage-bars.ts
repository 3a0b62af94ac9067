import type { UsageDTO } from "@/lib/api-types";

export interface UsageBar {
  label: string;
  used: number;
  limit: number | null;
  /** 0–100, or null when unlimited. */
  percent: number | null;
  text: string;
}

function bar(label: string, used: number, limit: number | null | undefined, unit = ""): UsageBar {
  const shown = Number.isInteger(used) ? String(used) : used.toFixed(1);
  if (limit === null || limit === undefined) {
    return { label, used, limit: null, percent: null, text: `${shown}${unit} (no limit)` };
  }
  const percent = limit === 0 ? 100 : Math.min(100, (used / limit) * 100);
  return { label, used, limit, percent, text: `${shown}${unit} of ${limit}${unit}` };
}

/** The three amounts that have limits, each against its limit (SPEC §17). */
export function usageBars(usage: UsageDTO): UsageBar[] {
  return [
    bar("Waiting in the queue", usage.used.pending_items, usage.limits.max_pending_items),
    bar("Queued today (UTC)", usage.used.items_today, usage.limits.max_items_per_day),
    bar("Image storage", usage.used.storage_mb, usage.limits.max_storage_mb, " MB"),
  ];
}

/** Per-image limits, as lines of text (empty when none is set). */
export function imageLimits(usage: UsageDTO): string[] {
  const lines: string[] = [];
  const pixels = usage.limits.max_pixels_per_image;
  if (pixels !== null && pixels !== undefined) lines.push(`At most ${pixels.toLocaleString("en")} pixels per image`);
  const steps = usage.limits.max_steps;
  if (steps !== null && steps !== undefined) lines.push(`At most ${steps} steps`);
  return lines;
}
