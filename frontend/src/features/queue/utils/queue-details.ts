/** What the queue page shows beyond one row: pages of the list, batches, an item's parameters
 * and the images it made. Pure functions over the wire items. */
import type { SessionQueueItem } from "@/lib/api-types";
import { isRedacted } from "./queue-items";

export const PAGE_SIZE = 50;

export interface PageWindow {
  offset: number;
  limit: number;
  /** At least 1, so an empty queue still has its (empty) first page. */
  pages: number;
  /** `page` clamped to 1..pages. */
  page: number;
}

/** The `offset`/`limit` of `list_all` for a 1-based `page` out of `total` items. */
export function pageWindow(total: number, page: number, pageSize = PAGE_SIZE): PageWindow {
  const pages = Math.max(1, Math.ceil(Math.max(0, total) / pageSize));
  const clamped = Math.min(Math.max(1, Math.floor(page) || 1), pages);
  return { offset: (clamped - 1) * pageSize, limit: pageSize, pages, page: clamped };
}

export interface BatchGroup {
  /** The batch id, or "redacted" for other users' items (one group for all of them). */
  batchId: string;
  items: SessionQueueItem[];
  redacted: boolean;
}

/** Items grouped by batch, groups in the order of their first item, items keeping their order. */
export function groupByBatch(items: readonly SessionQueueItem[]): BatchGroup[] {
  const groups = new Map<string, BatchGroup>();
  for (const item of items) {
    const key = isRedacted(item) ? "redacted" : item.batch_id;
    let group = groups.get(key);
    if (!group) {
      group = { batchId: key, items: [], redacted: isRedacted(item) };
      groups.set(key, group);
    }
    group.items.push(item);
  }
  return [...groups.values()];
}

type Node = Record<string, unknown>;

const HIDDEN_FIELDS = new Set(["id", "type", "is_intermediate", "use_cache", "board", "metadata"]);

const LABELS: Record<string, string> = {
  positive_prompt: "Prompt",
  negative_prompt: "Negative prompt",
  prompt: "Prompt",
  cfg_scale: "CFG scale",
  cfg_rescale_multiplier: "CFG rescale",
  clip_skip: "CLIP skip",
  vae: "VAE",
  loras: "LoRAs",
};

function label(field: string): string {
  const known = LABELS[field];
  if (known) return known;
  const words = field.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function show(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) {
    const parts = value.map(show).filter((part): part is string => part !== null);
    return parts.length ? parts.join(", ") : null;
  }
  if (typeof value === "object") {
    const object = value as Node;
    if (typeof object.name === "string") return object.name; // a model identifier
    if (object.model && typeof object.model === "object") {
      const model = show(object.model);
      return typeof object.weight === "number" ? `${model} (${object.weight})` : model;
    }
    if (object.lora && typeof object.lora === "object") {
      const lora = show(object.lora);
      return typeof object.weight === "number" ? `${lora} (${object.weight})` : lora;
    }
    if (typeof object.image_name === "string") return object.image_name;
  }
  return null;
}

export interface Parameter {
  label: string;
  value: string;
}

function nodesOf(item: SessionQueueItem): Node[] {
  const graph = item.session.graph as { nodes?: Record<string, Node> } | undefined;
  return Object.values(graph?.nodes ?? {});
}

/** The generation parameters: a standard graph's core_metadata node, else the node that holds
 * the prompt (the compound "gen" nodes). Empty for redacted items and graphs without either. */
export function itemParameters(item: SessionQueueItem): Parameter[] {
  if (isRedacted(item)) return [];
  const nodes = nodesOf(item);
  const source =
    nodes.find((node) => node.type === "core_metadata") ?? nodes.find((node) => typeof node.prompt === "string");
  if (!source) return [];
  return Object.entries(source)
    .filter(([field]) => !HIDDEN_FIELDS.has(field))
    .map(([field, value]) => ({ label: label(field), value: show(value) }))
    .filter((parameter): parameter is Parameter => parameter.value !== null);
}

/** Names of the images the item made and kept (not the graph's intermediate ones), in the order
 * the nodes finished. */
export function itemImageNames(item: SessionQueueItem): string[] {
  if (isRedacted(item)) return [];
  const session = item.session as {
    results?: Record<string, { image?: { image_name?: unknown } }>;
    prepared_source_mapping?: Record<string, string>;
    graph?: { nodes?: Record<string, Node> };
  };
  const names: string[] = [];
  for (const [nodeId, result] of Object.entries(session.results ?? {})) {
    const name = result.image?.image_name;
    if (typeof name !== "string") continue;
    const sourceId = session.prepared_source_mapping?.[nodeId] ?? nodeId;
    if (session.graph?.nodes?.[sourceId]?.is_intermediate === true) continue;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** Failed and canceled items of one's own (or anyone's, for administrators) may be retried. */
export function canRetry(item: SessionQueueItem, userId: string, isAdmin: boolean): boolean {
  if (item.status !== "failed" && item.status !== "canceled") return false;
  return isAdmin || (!isRedacted(item) && item.user_id === userId);
}

/** The server's error categories for owners who are not administrators (gesso/queue/person_errors.py). */
const ERROR_TITLES: Record<string, string> = {
  model_load_failed: "The model could not be loaded",
  model_not_found: "A model is missing",
  out_of_memory: "Out of memory",
  invalid_settings: "Settings could not be used",
  not_allowed: "Not allowed",
  server_restarted: "Interrupted by a server restart",
  account_inactive: "Account no longer active",
  generation_failed: "Generation failed",
};

/** A short title for an item's error: the category's wording, or for administrators (who get
 * the raw exception class) "Failed: <class>". */
export function errorTitle(errorType: string | null | undefined): string {
  if (!errorType) return "Failed";
  return ERROR_TITLES[errorType] ?? `Failed: ${errorType}`;
}
