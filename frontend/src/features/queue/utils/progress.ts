/** The running item's progress on the queue page, from socket events. Only owners receive
 * `invocation_progress` (SPEC §8), so this shows one's own running item. */
import type { InvocationProgressEvent, QueueItemStatusChangedEvent } from "@/lib/socket";

export interface ItemProgress {
  itemId: number;
  /** 0..1, or null while not measurable (loading a model). */
  percentage: number | null;
  message: string | null;
}

export type ProgressEvent =
  | { name: "invocation_progress"; payload: InvocationProgressEvent }
  | { name: "queue_item_status_changed"; payload: QueueItemStatusChangedEvent };

export function progressReducer(state: ItemProgress | null, event: ProgressEvent): ItemProgress | null {
  const itemId = event.payload.item_id;
  if (event.name === "invocation_progress") {
    return { itemId, percentage: event.payload.percentage, message: event.payload.message ?? null };
  }
  if (event.payload.status === "in_progress") return state?.itemId === itemId ? state : { itemId, percentage: null, message: null };
  return state?.itemId === itemId ? null : state;
}

/** "42%" or "Loading model" for a progress bar's label. */
export function progressLabel(progress: ItemProgress | null): string {
  if (!progress) return "Running";
  const percent = progress.percentage === null ? null : `${Math.round(progress.percentage * 100)}%`;
  return [progress.message, percent].filter(Boolean).join(" · ") || "Running";
}
