import { describe, expect, it } from "vitest";
import { makeModel } from "@/testing/fixtures";
import { applyModelDefaults, DEFAULT_PARAMS, paramErrors, restoreParams, snapSide, withInstalledModel } from "./params";

describe("model defaults", () => {
  it("applies the settings a model has and keeps the others", () => {
    const model = makeModel({ default_settings: { steps: 4, scheduler: "euler_a", width: 768, cfg_scale: null } });
    expect(applyModelDefaults(DEFAULT_PARAMS, model)).toEqual({
      ...DEFAULT_PARAMS,
      modelKey: "m1",
      steps: 4,
      scheduler: "euler_a",
      width: 768,
    });
  });

  it("ignores settings the node would refuse", () => {
    const model = makeModel({ default_settings: { scheduler: "nope", steps: 1000, width: 70 } });
    expect(applyModelDefaults(DEFAULT_PARAMS, model)).toMatchObject({ scheduler: "euler", steps: 200, width: 72 });
  });

  it("keeps an installed choice, else falls back to the first model, else none", () => {
    const a = makeModel({ key: "a" });
    const b = makeModel({ key: "b", default_settings: { steps: 9 } });
    expect(withInstalledModel({ ...DEFAULT_PARAMS, modelKey: "a" }, [b, a]).modelKey).toBe("a");
    expect(withInstalledModel({ ...DEFAULT_PARAMS, modelKey: "gone" }, [b, a])).toMatchObject({ modelKey: "b", steps: 9 });
    expect(withInstalledModel({ ...DEFAULT_PARAMS, modelKey: "gone" }, []).modelKey).toBeNull();
  });
});

describe("validation", () => {
  it("needs a model, multiples of 8 and values in range", () => {
    const errors = paramErrors({ ...DEFAULT_PARAMS, width: 100, height: 32, steps: 0, cfgScale: 0.5, runs: 0, randomSeed: false, seed: -1 });
    expect(Object.keys(errors).sort()).toEqual(["cfgScale", "height", "modelKey", "runs", "seed", "steps", "width"]);
    expect(errors.width).toBe("A multiple of 8");
    expect(paramErrors({ ...DEFAULT_PARAMS, modelKey: "m" })).toEqual({});
  });

  it("does not check the seed when it is random", () => {
    expect(paramErrors({ ...DEFAULT_PARAMS, modelKey: "m", seed: -5, randomSeed: true }).seed).toBeUndefined();
  });

  it("snaps sides to the nearest allowed multiple of 8", () => {
    expect(snapSide(66)).toBe(64);
    expect(snapSide(70)).toBe(72);
    expect(snapSide(10)).toBe(64);
    expect(snapSide(99999)).toBe(4096);
    expect(snapSide(Number.NaN)).toBe(512);
  });

  it("restores stored parameters field by field", () => {
    expect(restoreParams(null)).toEqual(DEFAULT_PARAMS);
    expect(restoreParams({ prompt: "cat", steps: "many", scheduler: "unknown", seed: 12, randomSeed: false })).toEqual({
      ...DEFAULT_PARAMS,
      prompt: "cat",
      seed: 12,
      randomSeed: false,
    });
  });
});
