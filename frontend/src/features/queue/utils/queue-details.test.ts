import { describe, expect, it } from "vitest";
import type { SessionQueueItem } from "@/lib/api-types";
import { canRetry, errorTitle, groupByBatch, itemImageNames, itemParameters, pageWindow } from "./queue-details";

function item(overrides: Partial<SessionQueueItem> = {}): SessionQueueItem {
  return {
    item_id: 1,
    status: "completed",
    priority: 0,
    batch_id: "b1",
    session_id: "s1",
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    queue_id: "default",
    user_id: "alice",
    session: { id: "s1", graph: { id: "g", nodes: {}, edges: [] } },
    ...overrides,
  };
}

const redacted = (item_id: number) => item({ item_id, user_id: "redacted", batch_id: "redacted" });

describe("paging", () => {
  it("turns a page number into list_all's offset and limit", () => {
    expect(pageWindow(120, 1)).toEqual({ offset: 0, limit: 50, pages: 3, page: 1 });
    expect(pageWindow(120, 3)).toEqual({ offset: 100, limit: 50, pages: 3, page: 3 });
  });

  it("keeps the page inside 1..pages, also for an empty queue", () => {
    expect(pageWindow(0, 1)).toEqual({ offset: 0, limit: 50, pages: 1, page: 1 });
    expect(pageWindow(120, 9).page).toBe(3);
    expect(pageWindow(120, 0).page).toBe(1);
    expect(pageWindow(50, 2)).toMatchObject({ pages: 1, page: 1, offset: 0 });
    expect(pageWindow(51, 2)).toMatchObject({ pages: 2, page: 2, offset: 50 });
  });
});

describe("grouping by batch", () => {
  it("keeps the order of first appearance and puts every other user's item in one group", () => {
    const groups = groupByBatch([
      item({ item_id: 3, batch_id: "b2" }),
      redacted(4),
      item({ item_id: 1, batch_id: "b1" }),
      item({ item_id: 2, batch_id: "b2" }),
      redacted(5),
    ]);
    expect(groups.map((g) => [g.batchId, g.redacted, g.items.map((i) => i.item_id)])).toEqual([
      ["b2", false, [3, 2]],
      ["redacted", true, [4, 5]],
      ["b1", false, [1]],
    ]);
  });
});

describe("an item's parameters and images", () => {
  const session = {
    id: "s1",
    graph: {
      id: "g",
      nodes: {
        meta: {
          id: "meta",
          type: "core_metadata",
          positive_prompt: "a fox",
          seed: 7,
          steps: 3,
          model: { key: "k", name: "tiny-sd", base: "sd-1", type: "main" },
          loras: [{ model: { key: "l", name: "ink" }, weight: 0.5 }],
          negative_prompt: "",
        },
        l2i: { id: "l2i", type: "l2i", is_intermediate: false },
        mask: { id: "mask", type: "img_resize", is_intermediate: true },
      },
      edges: [],
    },
    results: {
      "l2i-prepared": { type: "image_output", image: { image_name: "final.png" } },
      "mask-prepared": { type: "image_output", image: { image_name: "mask.png" } },
      "meta-prepared": { type: "metadata_output", metadata: {} },
    },
    prepared_source_mapping: { "l2i-prepared": "l2i", "mask-prepared": "mask", "meta-prepared": "meta" },
  };

  it("lists core_metadata's fields with readable labels and model names", () => {
    expect(itemParameters(item({ session }))).toEqual([
      { label: "Prompt", value: "a fox" },
      { label: "Seed", value: "7" },
      { label: "Steps", value: "3" },
      { label: "Model", value: "tiny-sd" },
      { label: "LoRAs", value: "ink (0.5)" },
    ]);
  });

  it("names only the images the item kept, not intermediates", () => {
    expect(itemImageNames(item({ session }))).toEqual(["final.png"]);
  });

  it("shows nothing of another user's item", () => {
    const other = { ...redacted(2), session };
    expect(itemParameters(other)).toEqual([]);
    expect(itemImageNames(other)).toEqual([]);
  });
});

describe("retry", () => {
  it("is offered for one's own failed or canceled items, and to administrators for anyone's", () => {
    expect(canRetry(item({ status: "failed" }), "alice", false)).toBe(true);
    expect(canRetry(item({ status: "canceled" }), "alice", false)).toBe(true);
    expect(canRetry(item({ status: "completed" }), "alice", false)).toBe(false);
    expect(canRetry(item({ status: "failed", user_id: "bob" }), "alice", false)).toBe(false);
    expect(canRetry(item({ status: "failed", user_id: "bob" }), "root", true)).toBe(true);
  });
});

describe("error titles", () => {
  it("reads the server's categories for people", () => {
    expect(errorTitle("model_load_failed")).toBe("The model could not be loaded");
    expect(errorTitle("invalid_settings")).toBe("Settings could not be used");
  });

  it("names the raw class for administrators and says Failed without any type", () => {
    expect(errorTitle("ModelLoadError")).toBe("Failed: ModelLoadError");
    expect(errorTitle(null)).toBe("Failed");
  });
});
