import { describe, expect, it } from "vitest";
import { INVALIDATION_RULES } from "./live-updates";

const keysFor = (name: string, payload?: unknown) => INVALIDATION_RULES.flatMap((rule) => rule(name, payload));

describe("socket events → invalidations across features", () => {
  it("a finished generation refreshes the queue, the gallery images and the boards", () => {
    expect(keysFor("queue_item_status_changed", { status: "completed" })).toEqual([["queue"], ["images"], ["boards"]]);
  });

  it("a redacted status change of another user's item refreshes only the queue", () => {
    expect(keysFor("queue_item_status_changed", { status: "in_progress", user_id: "redacted" })).toEqual([["queue"]]);
  });

  it("a finished model install refreshes every model list", () => {
    expect(keysFor("model_install_complete", { id: 1 })).toEqual([["models"]]);
  });

  it("per-step progress invalidates nothing (the Generate panel reads it directly)", () => {
    expect(keysFor("invocation_progress", { percentage: 0.5 })).toEqual([]);
  });
});
