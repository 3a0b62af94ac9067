import { describe, expect, it } from "vitest";
import { hasRecallableParameters, metadataRows } from "./metadata";

describe("metadataRows", () => {
  it("puts InvokeAI's known fields first with readable labels", () => {
    const rows = metadataRows({
      seed: 42,
      positive_prompt: "a lighthouse at dusk",
      model: { name: "sd-1.5", base: "sd-1" },
      cfg_scale: 7.5,
      custom_flag: true,
      nested: { ignored: 1 },
    });
    expect(rows.map((r) => [r.label, r.value])).toEqual([
      ["Prompt", "a lighthouse at dusk"],
      ["Model", "sd-1.5"],
      ["Seed", "42"],
      ["CFG scale", "7.5"],
      ["Custom flag", "true"],
    ]);
    expect(rows[0]?.long).toBe(true);
  });

  it("has nothing to show or recall without metadata", () => {
    expect(metadataRows(null)).toEqual([]);
    expect(hasRecallableParameters(null)).toBe(false);
    expect(hasRecallableParameters({})).toBe(false);
    expect(hasRecallableParameters({ seed: 1 })).toBe(true);
  });
});
