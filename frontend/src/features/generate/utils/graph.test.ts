import { describe, expect, it } from "vitest";
import { buildEnqueueBody } from "./graph";
import { DEFAULT_PARAMS, type GenerateParams } from "./params";

const params: GenerateParams = {
  ...DEFAULT_PARAMS,
  modelKey: "m1",
  prompt: "a red fox",
  negativePrompt: "blurry",
  width: 64,
  height: 64,
  steps: 3,
  cfgScale: 5,
  scheduler: "euler_a",
};

describe("buildEnqueueBody", () => {
  it("makes a graph of one sd_text_to_image node called gen", () => {
    const body = buildEnqueueBody(params, null, [42]);
    expect(body).toEqual({
      batch: {
        graph: {
          id: "generate",
          nodes: {
            gen: {
              id: "gen",
              type: "sd_text_to_image",
              model: "m1",
              prompt: "a red fox",
              negative_prompt: "blurry",
              width: 64,
              height: 64,
              steps: 3,
              cfg_scale: 5,
              scheduler: "euler_a",
              seed: 42,
            },
          },
          edges: [],
        },
        runs: 1,
        origin: "generate",
        destination: "gallery",
      },
      prepend: false,
    });
  });

  it("saves to the chosen board", () => {
    expect(buildEnqueueBody(params, "b-1", [1]).batch.graph.nodes.gen?.board).toEqual({ board_id: "b-1" });
  });

  it("queues one item per seed through batch data", () => {
    const body = buildEnqueueBody(params, null, [5, 9, 11]);
    expect(body.batch.runs).toBe(1);
    expect(body.batch.data).toEqual([[{ node_path: "gen", field_name: "seed", items: [5, 9, 11] }]]);
  });

  it("refuses to build without a model", () => {
    expect(() => buildEnqueueBody({ ...params, modelKey: null }, null, [1])).toThrow(/no model/);
  });
});
