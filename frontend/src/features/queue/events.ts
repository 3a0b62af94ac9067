/** Queue events refresh the item list and the counts: status changes (with the redacted copies
 * other users get), new batches, clears, bulk cancels and retries, and a reconnect. */
import type { QueryKey } from "@tanstack/react-query";
import { CONNECTED } from "@/lib/socket";
import { queueKey } from "./api/list-queue-items";

const QUEUE_EVENTS = new Set([
  "queue_item_status_changed",
  "batch_enqueued",
  "queue_cleared",
  "queue_items_canceled",
  "queue_items_retried",
  CONNECTED,
]);

export function queueInvalidations(name: string): readonly QueryKey[] {
  return QUEUE_EVENTS.has(name) ? [queueKey] : [];
}
