import { describe, expect, it } from "vitest";
import { makeModel } from "@/testing/fixtures";
import { NODE_IDS, buildEnqueueBody } from "./graph";
import { DEFAULT_PARAMS, paramErrors, restoreParams, type GenerateParams } from "./params";
import { addToHistory, PROMPT_HISTORY_LENGTH, restoreHistory } from "./prompt-history";
import { applyRecall } from "./recall";
import { requestFor } from "./request";

const sd1 = makeModel({ key: "m1", name: "Tiny SD" });
const xl = makeModel({ key: "x1", name: "XL", base: "sdxl" });
const lora = makeModel({ key: "l1", name: "Ink", type: "lora" });
const xlLora = makeModel({ key: "l2", name: "XL ink", type: "lora", base: "sdxl" });
const vae = makeModel({ key: "v1", name: "Sharp", type: "vae" });
const refiner = makeModel({ key: "r1", name: "Refiner", base: "sdxl-refiner" });
const control = makeModel({ key: "c1", name: "Edges", type: "controlnet" });
const models = [sd1, xl, lora, xlLora, vae, refiner, control];
const params: GenerateParams = { ...DEFAULT_PARAMS, modelKey: "m1", prompt: "a fox", width: 64, height: 64 };
const base = { models, boardId: null, seeds: [1] };

describe("requestFor", () => {
  it("turns chosen keys into the models the graph names", () => {
    const outcome = requestFor({ ...base, params: { ...params, loras: [{ key: "l1", weight: 0.5 }], vaeKey: "v1" } });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.request.loras).toEqual([{ model: lora, weight: 0.5 }]);
    expect(outcome.request.vae).toBe(vae);
    const graph = buildEnqueueBody(outcome.request).batch.graph;
    expect(graph.nodes.lora_selector_0).toMatchObject({ lora: { key: "l1" }, weight: 0.5 });
  });

  it("names a LoRA, VAE or ControlNet that is gone or of another base instead of sending it", () => {
    expect(requestFor({ ...base, params: { ...params, loras: [{ key: "l2", weight: 1 }] } })).toEqual({
      ok: false,
      problem: expect.stringMatching(/LoRA/),
    });
    expect(requestFor({ ...base, params: { ...params, vaeKey: "gone" } })).toMatchObject({ ok: false, problem: expect.stringMatching(/VAE/) });
    const badControl = { ...params.control, enabled: true, modelKey: "c1", imageName: null };
    expect(requestFor({ ...base, params: { ...params, control: badControl } })).toMatchObject({
      ok: false,
      problem: "Choose a control image.",
    });
  });

  it("carries the init image and strength for image to image, and the canvas for inpaint", () => {
    const initImage = { imageName: "i.png", width: 64, height: 64 };
    const img2img = requestFor({ ...base, params: { ...params, mode: "img2img", initImage, strength: 0.3 } });
    expect(img2img).toMatchObject({ ok: true, request: { mode: "img2img", init: { imageName: "i.png", strength: 0.3 } } });
    expect(requestFor({ ...base, params: { ...params, mode: "inpaint" } })).toMatchObject({ ok: false });
    const inpaint = requestFor({
      ...base,
      params: { ...params, mode: "inpaint", initImage },
      inpaint: { init: { imageName: "padded.png", width: 128, height: 64 }, maskName: "mask.png" },
    });
    expect(inpaint).toMatchObject({ ok: true, request: { maskName: "mask.png", init: { imageName: "padded.png", width: 128 } } });
    if (inpaint.ok) expect(inpaint.request.params).toMatchObject({ width: 128, height: 64 });
  });

  it("adds the refiner only behind SDXL", () => {
    const withRefiner = { ...params, refiner: { ...params.refiner, enabled: true, modelKey: "r1" } };
    const onSd1 = requestFor({ ...base, params: withRefiner });
    expect(onSd1.ok && onSd1.request.refiner).toBeFalsy();
    const onXl = requestFor({ ...base, params: { ...withRefiner, modelKey: "x1" } });
    expect(onXl).toMatchObject({ ok: true, request: { refiner: { model: refiner, start: 0.8 } } });
    if (onXl.ok) expect(buildEnqueueBody(onXl.request).batch.graph.nodes[NODE_IDS.refinerDenoise]).toBeDefined();
  });
});

describe("params: the new settings", () => {
  it("restores stored workspace settings and drops malformed ones", () => {
    const stored = {
      ...params,
      mode: "img2img",
      initImage: { imageName: "a.png", width: 64, height: 64 },
      strength: 0.4,
      loras: [{ key: "l1", weight: 0.7 }],
      vaeKey: "v1",
      refiner: { enabled: true, modelKey: "r1", steps: 5, start: 0.7, cfgScale: 6 },
      control: { enabled: true, modelKey: "c1", imageName: "e.png", weight: 0.8, begin: 0.1, end: 0.9 },
    };
    expect(restoreParams(JSON.parse(JSON.stringify(stored)))).toEqual(stored);
    const odd = restoreParams({ ...stored, mode: "video", initImage: { imageName: 3 }, loras: [{ key: 1 }], refiner: { steps: "x" }, strength: 7 });
    expect(odd).toMatchObject({ mode: "txt2img", initImage: null, loras: [], strength: DEFAULT_PARAMS.strength, refiner: DEFAULT_PARAMS.refiner });
  });

  it("asks for an init image, a control image and sane weights", () => {
    expect(paramErrors({ ...params, mode: "img2img" }).initImage).toBeDefined();
    expect(paramErrors({ ...params, loras: [{ key: "l1", weight: 99 }] }).loras).toBeDefined();
    expect(paramErrors({ ...params, control: { ...params.control, enabled: true, modelKey: "c1" } }).control).toMatch(/control image/);
    expect(paramErrors({ ...params, control: { ...params.control, enabled: true, modelKey: "c1", imageName: "e", begin: 0.9, end: 0.1 } }).control).toMatch(/before/);
    expect(paramErrors({ ...params, refiner: { ...params.refiner, enabled: true } }).refiner).toMatch(/refiner model/);
  });
});

describe("recall of parts", () => {
  const metadata = {
    positive_prompt: "a heron",
    negative_prompt: "noise",
    seed: 99,
    width: 128,
    height: 96,
    steps: 9,
    model: { key: "x1", name: "XL", base: "sdxl" },
    loras: [
      { model: { key: "l2", name: "XL ink", base: "sdxl" }, weight: 0.6 },
      { model: { key: "zz", name: "Gone", base: "sdxl" }, weight: 1 },
    ],
  };

  it("takes only the part asked for", () => {
    expect(applyRecall(params, metadata, models, "prompt").params).toEqual({ ...params, prompt: "a heron", negativePrompt: "noise" });
    expect(applyRecall(params, metadata, models, "seed").params).toEqual({ ...params, seed: 99, randomSeed: false });
    expect(applyRecall(params, metadata, models, "size").params).toEqual({ ...params, width: 128, height: 96 });
    expect(applyRecall(params, metadata, models, "model").params).toEqual({ ...params, modelKey: "x1" });
  });

  it("recalls installed LoRAs with their weights and counts the missing ones", () => {
    const outcome = applyRecall(params, metadata, models, "loras");
    expect(outcome.params.loras).toEqual([{ key: "l2", weight: 0.6 }]);
    expect(outcome.missingLoras).toBe(1);
    expect(applyRecall(params, metadata, models, "all").params).toMatchObject({ steps: 9, modelKey: "x1", loras: [{ key: "l2", weight: 0.6 }] });
  });
});

describe("prompt history", () => {
  it("keeps the last 50 prompts, newest first, without repeats or blanks", () => {
    let history: string[] = [];
    for (let i = 0; i < 60; i++) history = addToHistory(history, `prompt ${i}`);
    expect(history).toHaveLength(PROMPT_HISTORY_LENGTH);
    expect(history[0]).toBe("prompt 59");
    history = addToHistory(history, "prompt 30");
    expect(history[0]).toBe("prompt 30");
    expect(history.filter((p) => p === "prompt 30")).toHaveLength(1);
    expect(addToHistory(history, "   ")).toEqual(history);
    expect(restoreHistory(["a", 3, "", "b"])).toEqual(["a", "b"]);
    expect(restoreHistory({})).toEqual([]);
  });
});
