import { describe, expect, it } from "vitest";
import { makeModel } from "@/testing/fixtures";
import { DEFAULT_PARAMS } from "./params";
import { applyRecall, parseRecallValue } from "./recall";

const models = [makeModel({ key: "m1", name: "Tiny SD" }), makeModel({ key: "m2", name: "Other", base: "sdxl" })];
const current = { ...DEFAULT_PARAMS, modelKey: "m2", prompt: "old", randomSeed: true };

describe("applyRecall", () => {
  it("takes over an image's generation parameters and fixes its seed", () => {
    const metadata = {
      positive_prompt: "a lighthouse",
      negative_prompt: "fog",
      width: 640,
      height: 384,
      seed: 42,
      steps: 12,
      cfg_scale: 6.5,
      scheduler: "dpmpp_2m",
      model: { key: "m1", name: "Tiny SD", base: "sd-1", type: "main" },
      rand_device: "cpu",
    };
    const outcome = applyRecall(current, metadata, models);
    expect(outcome.params).toEqual({
      ...current,
      modelKey: "m1",
      prompt: "a lighthouse",
      negativePrompt: "fog",
      width: 640,
      height: 384,
      seed: 42,
      randomSeed: false,
      steps: 12,
      cfgScale: 6.5,
      scheduler: "dpmpp_2m",
    });
    expect(outcome.applied).toBe(9);
    expect(outcome.missingModel).toBeNull();
  });

  it("finds a model by name and base when its key differs, and reports a missing one", () => {
    expect(applyRecall(current, { model: { key: "x", name: "Tiny SD", base: "sd-1" } }, models).params.modelKey).toBe("m1");
    const missing = applyRecall(current, { model: { key: "x", name: "Dreamy", base: "sd-1" } }, models);
    expect(missing.params.modelKey).toBe("m2");
    expect(missing.missingModel).toBe("Dreamy");
  });

  it("leaves out values the node would refuse and snaps sizes", () => {
    const outcome = applyRecall(current, { seed: -3, steps: 9000, scheduler: "magic", width: 500, cfg_scale: "7" }, models);
    expect(outcome.params).toEqual({ ...current, width: 504 });
    expect(outcome.applied).toBe(1);
  });

  it("keeps everything for an image without parameters", () => {
    expect(applyRecall(current, {}, models)).toEqual({ params: current, applied: 0, missingModel: null, missingLoras: 0 });
  });
});

describe("parseRecallValue", () => {
  it("reads the stored JSON object and nothing else", () => {
    expect(parseRecallValue('{"seed": 1}')).toEqual({ seed: 1 });
    expect(parseRecallValue(null)).toBeNull();
    expect(parseRecallValue("[1]")).toBeNull();
    expect(parseRecallValue("not json")).toBeNull();
  });
});
