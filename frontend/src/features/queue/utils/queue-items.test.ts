import { describe, expect, it } from "vitest";
import type { SessionQueueItem } from "@/lib/api-types";
import { makeUser } from "@/testing/fixtures";
import { describeQueueItem, hasClearableItems, queueCountsText, sortQueueItems } from "./queue-items";

const me = { user: makeUser({ user_id: "alice" }) };
const admin = { user: makeUser({ user_id: "root", is_admin: true }) };

function item(overrides: Partial<SessionQueueItem> = {}, prompt = "a red fox"): SessionQueueItem {
  return {
    item_id: 1,
    status: "pending",
    priority: 0,
    batch_id: "b1",
    session_id: "s1",
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    queue_id: "default",
    user_id: "alice",
    user_display_name: "Alice",
    user_email: "alice@example.com",
    session: {
      id: "s1",
      graph: {
        id: "g",
        nodes: { gen: { id: "gen", type: "sd_text_to_image", prompt, width: 64, height: 64, steps: 3 } },
        edges: [],
      },
    },
    ...overrides,
  };
}

const redacted = (overrides: Partial<SessionQueueItem> = {}) =>
  item({
    user_id: "redacted",
    batch_id: "redacted",
    session_id: "redacted",
    user_display_name: null,
    user_email: null,
    session: { id: "redacted", graph: { id: "redacted", nodes: {}, edges: [] } },
    ...overrides,
  });

describe("describeQueueItem", () => {
  it("shows one's own item in full, cancellable while it is live", () => {
    expect(describeQueueItem(item(), me)).toMatchObject({
      owner: "You",
      mine: true,
      prompt: "a red fox",
      details: "64×64 · 3 steps",
      canCancel: true,
    });
    expect(describeQueueItem(item({ status: "completed" }), me).canCancel).toBe(false);
  });

  it("shows a redacted item as another user's, with no prompt and no cancel", () => {
    const view = describeQueueItem(redacted(), me);
    expect(view).toMatchObject({ owner: "Another user", redacted: true, mine: false, prompt: null, details: null, canCancel: false });
  });

  it("never reads a prompt out of a redacted item, even if one slipped through", () => {
    expect(describeQueueItem(redacted({ session: item().session }), me).prompt).toBeNull();
  });

  it("names the owner for administrators, who may cancel anyone's item", () => {
    const view = describeQueueItem(item(), admin);
    expect(view).toMatchObject({ owner: "Alice", mine: false, prompt: "a red fox", canCancel: true });
    expect(describeQueueItem(item({ user_display_name: null }), admin).owner).toBe("alice@example.com");
  });

  it("finds a prompt on other nodes and shortens long ones", () => {
    const other = item({ session: { graph: { nodes: { p: { type: "string_prompt", prompt: "  x\n y  " } } } } });
    expect(describeQueueItem(other, me).prompt).toBe("x y");
    expect(describeQueueItem(item({}, "w".repeat(500)), me).prompt).toHaveLength(140);
    expect(describeQueueItem(item({}, "   "), me).prompt).toBeNull();
  });

  it("reads a standard InvokeAI graph's prompt, size and steps from its core_metadata node", () => {
    const standard = item({
      session: {
        graph: {
          nodes: {
            pos_cond: { id: "pos_cond", type: "compel", prompt: "(a red fox)1.2" },
            neg_cond: { id: "neg_cond", type: "compel", prompt: "blurry" },
            core_metadata: {
              id: "core_metadata",
              type: "core_metadata",
              positive_prompt: "(a red fox)1.2",
              negative_prompt: "blurry",
              width: 512,
              height: 768,
              steps: 30,
            },
          },
          edges: [],
        },
      },
    });
    expect(describeQueueItem(standard, me)).toMatchObject({ prompt: "(a red fox)1.2", details: "512×768 · 30 steps" });
  });

  it("carries the error of a failed item", () => {
    expect(describeQueueItem(item({ status: "failed", error_message: "Out of memory" }), me).error).toBe("Out of memory");
  });
});

describe("sortQueueItems", () => {
  it("puts running, then waiting in run order, then finished newest first", () => {
    const items = [
      item({ item_id: 1, status: "completed" }),
      item({ item_id: 2, status: "pending" }),
      item({ item_id: 3, status: "pending", priority: 5 }),
      item({ item_id: 4, status: "in_progress" }),
      item({ item_id: 5, status: "failed" }),
      item({ item_id: 6, status: "pending" }),
    ];
    expect(sortQueueItems(items).map((i) => i.item_id)).toEqual([4, 3, 2, 6, 5, 1]);
  });
});

describe("hasClearableItems", () => {
  it("counts only one's own items, or any for administrators", () => {
    expect(hasClearableItems([redacted()], me)).toBe(false);
    expect(hasClearableItems([redacted(), item()], me)).toBe(true);
    expect(hasClearableItems([redacted()], admin)).toBe(true);
  });
});

describe("queueCountsText", () => {
  const counts = { pending: 2, in_progress: 1, completed: 4, failed: 0, canceled: 1, user_pending: 1, user_in_progress: 1 };

  it("lists every count, with one's own in multi-user mode", () => {
    expect(queueCountsText(counts, { compact: false, multiuser: true })).toBe(
      "1 running · 2 waiting · 4 done · 0 failed · 1 canceled · yours: 1 running, 1 waiting",
    );
    expect(queueCountsText(counts, { compact: false, multiuser: false })).toBe(
      "1 running · 2 waiting · 4 done · 0 failed · 1 canceled",
    );
  });

  it("fits one short line for the Generate panel", () => {
    expect(queueCountsText(counts, { compact: true, multiuser: true })).toBe("Queue: 1 running · 2 waiting · 2 yours");
    expect(queueCountsText(counts, { compact: true, multiuser: false })).toBe("Queue: 1 running · 2 waiting");
    expect(queueCountsText({ ...counts, pending: 0, in_progress: 0 }, { compact: true, multiuser: true })).toBe("Queue is empty");
  });
});
