import { describe, expect, it } from "vitest";
import type { InvocationProgressEvent, QueueItemStatusChangedEvent } from "@/lib/socket";
import { progressLabel, progressReducer } from "./progress";

const base = { queue_id: "default", batch_id: "b", user_id: "alice" };
const progress = (item_id: number, percentage: number | null, message: string | null = "Denoising") => ({
  name: "invocation_progress" as const,
  payload: { ...base, item_id, invocation_source_id: "n", percentage, message, image: null } satisfies InvocationProgressEvent,
});
const status = (item_id: number, value: QueueItemStatusChangedEvent["status"]) => ({
  name: "queue_item_status_changed" as const,
  payload: { ...base, item_id, status: value, error_type: null, error_message: null } satisfies QueueItemStatusChangedEvent,
});

describe("running item progress", () => {
  it("follows progress events and clears when the item finishes", () => {
    let state = progressReducer(null, status(4, "in_progress"));
    expect(state).toEqual({ itemId: 4, percentage: null, message: null });
    state = progressReducer(state, progress(4, 0.5));
    expect(state).toEqual({ itemId: 4, percentage: 0.5, message: "Denoising" });
    expect(progressReducer(state, status(4, "completed"))).toBeNull();
  });

  it("ignores another item's end and keeps progress when the same item is reported running again", () => {
    const state = progressReducer(null, progress(4, 0.25));
    expect(progressReducer(state, status(3, "failed"))).toBe(state);
    expect(progressReducer(state, status(4, "in_progress"))).toBe(state);
  });

  it("labels the bar with the step message and percentage", () => {
    expect(progressLabel({ itemId: 1, percentage: 0.42, message: "Denoising" })).toBe("Denoising · 42%");
    expect(progressLabel({ itemId: 1, percentage: null, message: "Loading model" })).toBe("Loading model");
    expect(progressLabel(null)).toBe("Running");
  });
});
