import { describe, expect, it } from "vitest";
import { generationReducer, INITIAL_GENERATION, type GenerationEvent, type GenerationState } from "./events";

const ME = "alice";
const base = { queue_id: "default", batch_id: "b", user_id: ME, item_id: 7 };
const preview = { width: 8, height: 8, dataURL: "data:image/jpeg;base64,AA" };

function run(events: GenerationEvent[], userId = ME, from: GenerationState = INITIAL_GENERATION): GenerationState {
  return events.reduce((state, event) => generationReducer(state, event, userId), from);
}

const progress = (percentage: number | null, image: typeof preview | null = null): GenerationEvent => ({
  name: "invocation_progress",
  payload: { ...base, invocation_source_id: "gen", percentage, message: percentage === null ? "Loading model" : "Step", image },
});
const status = (value: "in_progress" | "completed" | "failed" | "canceled", extra = {}): GenerationEvent => ({
  name: "queue_item_status_changed",
  payload: { ...base, status: value, error_type: null, error_message: null, ...extra },
});
/** The same event for another item or user. */
const tweak = (event: GenerationEvent, changes: { user_id?: string; item_id?: number }) =>
  ({ ...event, payload: { ...event.payload, ...changes } }) as GenerationEvent;
const complete: GenerationEvent = {
  name: "invocation_complete",
  payload: { ...base, invocation_source_id: "gen", result: { type: "image_output", image: { image_name: "out.png" } } },
};

describe("generationReducer", () => {
  it("follows one item from start through progress to its image", () => {
    const loading = run([status("in_progress"), progress(null)]);
    expect(loading.running).toMatchObject({ itemId: 7, percentage: null, message: "Loading model" });

    const halfway = run([progress(0.5, preview)], ME, loading);
    expect(halfway.running).toEqual({ itemId: 7, percentage: 0.5, message: "Step", preview });

    const done = run([progress(1), complete, status("completed")], ME, halfway);
    expect(done).toEqual({ running: null, lastImage: "out.png", lastError: null });
  });

  it("keeps the last preview when a progress event carries none", () => {
    expect(run([progress(0.3, preview), progress(0.6)]).running?.preview).toEqual(preview);
  });

  it("remembers why an item failed until the next one starts", () => {
    const failed = run([status("in_progress"), status("failed", { error_message: "CUDA out of memory" })]);
    expect(failed).toMatchObject({ running: null, lastError: "CUDA out of memory" });
    expect(run([tweak(status("in_progress"), { item_id: 8 })], ME, failed).lastError).toBeNull();
  });

  it("ignores other users' events (administrators receive them too)", () => {
    const bob = (event: GenerationEvent) => tweak(event, { user_id: "bob" });
    expect(run([bob(status("in_progress")), bob(progress(0.5, preview)), bob(complete)])).toEqual(INITIAL_GENERATION);
    expect(run([tweak(status("in_progress"), { user_id: "redacted" })])).toEqual(INITIAL_GENERATION);
  });

  it("does not drop the running item when another of one's items finishes", () => {
    const running = run([status("in_progress")]);
    expect(run([tweak(status("completed"), { item_id: 3 })], ME, running).running?.itemId).toBe(7);
  });
});
