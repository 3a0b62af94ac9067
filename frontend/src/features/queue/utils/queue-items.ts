/** How the queue panel shows an item. Other users' items reach non-administrators redacted
 * (SPEC §7: user_id "redacted", empty session), so they show as "another user" with no prompt;
 * owners and administrators get the full item. */
import type { SessionQueueItem } from "@/lib/api-types";
import type { Session } from "@/lib/session";

export const REDACTED = "redacted";
const PROMPT_CHARS = 140;

type Actor = Pick<Session, "user">;
type Status = SessionQueueItem["status"];

export const STATUS_LABELS: Record<Status, { label: string; color: string }> = {
  pending: { label: "Waiting", color: "gray" },
  in_progress: { label: "Running", color: "blue" },
  completed: { label: "Done", color: "teal" },
  failed: { label: "Failed", color: "red" },
  canceled: { label: "Canceled", color: "yellow" },
};

export interface QueueItemView {
  itemId: number;
  status: Status;
  mine: boolean;
  redacted: boolean;
  /** "You", the owner's name (administrators), or "Another user". */
  owner: string;
  /** The positive prompt (core_metadata's, the gen node's or a node's), shortened; null when
   * hidden or absent. */
  prompt: string | null;
  /** "512×512 · 30 steps" for generation items. */
  details: string | null;
  error: string | null;
  canCancel: boolean;
}

export function isRedacted(item: SessionQueueItem): boolean {
  return item.user_id === REDACTED;
}

export function isLive(status: Status): boolean {
  return status === "pending" || status === "in_progress";
}

type Node = Record<string, unknown>;

/** What the queue shows of a graph: the prompt, size and steps. A standard InvokeAI graph carries
 * them on its core_metadata node; the compound nodes ("gen" from scripts) on themselves. */
interface Summary {
  prompt: unknown;
  width: unknown;
  height: unknown;
  steps: unknown;
}

const summary = (node: Node, promptField: string): Summary => ({
  prompt: node[promptField],
  width: node.width,
  height: node.height,
  steps: node.steps,
});

function summaryOf(item: SessionQueueItem): Summary | null {
  const graph = item.session.graph as { nodes?: Record<string, Node> } | undefined;
  const nodes = graph?.nodes ?? {};
  const all = Object.values(nodes);
  const metadata = all.find((node) => node.type === "core_metadata" && typeof node.positive_prompt === "string");
  if (metadata) return summary(metadata, "positive_prompt");
  if (nodes.gen && typeof nodes.gen.prompt === "string") return summary(nodes.gen, "prompt");
  const other = all.find((node) => typeof node.prompt === "string");
  return other ? summary(other, "prompt") : null;
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > PROMPT_CHARS ? `${flat.slice(0, PROMPT_CHARS - 1)}…` : flat;
}

export function describeQueueItem(item: SessionQueueItem, actor: Actor): QueueItemView {
  const redacted = isRedacted(item);
  const mine = !redacted && item.user_id === actor.user.user_id;
  const node = redacted ? null : summaryOf(item);
  const prompt = node && typeof node.prompt === "string" && node.prompt.trim() ? shorten(node.prompt) : null;
  const size = node && typeof node.width === "number" && typeof node.height === "number" ? `${node.width}×${node.height}` : null;
  const steps = node && typeof node.steps === "number" ? `${node.steps} steps` : null;
  const details = [size, steps].filter(Boolean).join(" · ") || null;
  let owner = "Another user";
  if (mine) owner = "You";
  else if (!redacted) owner = item.user_display_name || item.user_email || "Another user";
  return {
    itemId: item.item_id,
    status: item.status,
    mine,
    redacted,
    owner,
    prompt,
    details,
    error: item.status === "failed" ? (item.error_message ?? item.error_type ?? "Failed") : null,
    canCancel: isLive(item.status) && (mine || actor.user.is_admin),
  };
}

const RANK: Record<Status, number> = { in_progress: 0, pending: 1, completed: 2, failed: 2, canceled: 2 };

/** Running first, then waiting items in the order they will run (priority, then age), then
 * finished ones, newest first. */
export function sortQueueItems(items: readonly SessionQueueItem[]): SessionQueueItem[] {
  return [...items].sort((a, b) => {
    const rank = RANK[a.status] - RANK[b.status];
    if (rank !== 0) return rank;
    if (a.status === "pending") return b.priority - a.priority || a.item_id - b.item_id;
    return b.item_id - a.item_id;
  });
}

/** Whether the caller has anything to clear (their own items; administrators: any). */
export function hasClearableItems(items: readonly SessionQueueItem[], actor: Actor): boolean {
  return items.some((item) => actor.user.is_admin || (!isRedacted(item) && item.user_id === actor.user.user_id));
}

interface Counts {
  pending: number;
  in_progress: number;
  completed: number;
  failed: number;
  canceled: number;
  user_pending?: number | null;
  user_in_progress?: number | null;
}

/** "1 running · 2 waiting · 4 done · 0 failed · 1 canceled · yours: 1 running, 1 waiting";
 * compact: "Queue: 1 running · 2 waiting · 2 yours" or "Queue is empty". Own counts only in
 * multi-user mode (in single-user mode everything is one's own). */
export function queueCountsText(counts: Counts, { compact, multiuser }: { compact: boolean; multiuser: boolean }): string {
  const mineRunning = counts.user_in_progress ?? 0;
  const mineWaiting = counts.user_pending ?? 0;
  if (compact) {
    if (counts.pending + counts.in_progress === 0) return "Queue is empty";
    const mine = multiuser && mineRunning + mineWaiting > 0 ? ` · ${mineRunning + mineWaiting} yours` : "";
    return `Queue: ${counts.in_progress} running · ${counts.pending} waiting${mine}`;
  }
  const all = `${counts.in_progress} running · ${counts.pending} waiting · ${counts.completed} done · ${counts.failed} failed · ${counts.canceled} canceled`;
  return multiuser ? `${all} · yours: ${mineRunning} running, ${mineWaiting} waiting` : all;
}
