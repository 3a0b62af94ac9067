import { describe, expect, it } from "vitest";
import sdxlFixture from "../../../../../tests/fixtures/invokeai_graphs/sdxl_refiner.json";
import t2iFixture from "../../../../../tests/fixtures/invokeai_graphs/t2i.json";
import loraFixture from "../../../../../tests/fixtures/invokeai_graphs/t2i_lora.json";
import { buildEnqueueBody, canBuildFor, NODE_IDS, type GraphEdge, type ModelIdentifier } from "./graph";
import { DEFAULT_PARAMS, type GenerateParams } from "./params";

const SD1: ModelIdentifier = { key: "m1", hash: "blake3:m1", name: "Tiny", base: "sd-1", type: "main" };
const SDXL: ModelIdentifier = { key: "x1", hash: "blake3:x1", name: "XL", base: "sdxl", type: "main" };
const LORA: ModelIdentifier = { key: "l1", hash: "blake3:l1", name: "Style", base: "sd-1", type: "lora" };
const VAE: ModelIdentifier = { key: "v1", hash: "blake3:v1", name: "Sharp VAE", base: "sd-1", type: "vae" };

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

interface Graph {
  nodes: Record<string, { type: string } & Record<string, unknown>>;
  edges: GraphEdge[];
}

/** A graph's wiring with node ids replaced by their types: "main_model_loader.unet → denoise_latents.unet". */
function wiring(graph: Graph, skipTypes: readonly string[] = []): string[] {
  const typeOf = (id: string) => graph.nodes[id]?.type ?? `missing:${id}`;
  return graph.edges
    .filter((e) => !skipTypes.includes(typeOf(e.source.node_id)) && !skipTypes.includes(typeOf(e.destination.node_id)))
    .map((e) => `${typeOf(e.source.node_id)}.${e.source.field} → ${typeOf(e.destination.node_id)}.${e.destination.field}`)
    .sort();
}

const nodeTypes = (graph: Graph) =>
  Object.values(graph.nodes)
    .map((n) => n.type)
    .sort();

describe("buildEnqueueBody: SD 1.x text to image", () => {
  const body = buildEnqueueBody({ params, model: SD1, boardId: null, seeds: [42] });
  const { graph } = body.batch;

  it("wires the nodes exactly as InvokeAI's linear UI does (t2i fixture)", () => {
    expect(nodeTypes(graph)).toEqual(nodeTypes(t2iFixture.batch.graph as Graph));
    expect(wiring(graph)).toEqual(wiring(t2iFixture.batch.graph as Graph));
  });

  it("carries the parameters on the standard nodes", () => {
    expect(graph.nodes[NODE_IDS.model]).toMatchObject({ type: "main_model_loader", model: SD1 });
    expect(graph.nodes[NODE_IDS.positive]).toMatchObject({ type: "compel", prompt: "a red fox" });
    expect(graph.nodes[NODE_IDS.negative]).toMatchObject({ type: "compel", prompt: "blurry" });
    expect(graph.nodes[NODE_IDS.noise]).toMatchObject({ seed: 42, width: 64, height: 64 });
    expect(graph.nodes[NODE_IDS.denoise]).toMatchObject({ cfg_scale: 5, scheduler: "euler_a", steps: 3, denoising_start: 0, denoising_end: 1 });
    expect(graph.nodes[NODE_IDS.output]).toMatchObject({ type: "l2i", is_intermediate: false });
    expect(graph.nodes[NODE_IDS.output]).not.toHaveProperty("board");
  });

  it("writes InvokeAI's metadata into the image through core_metadata", () => {
    expect(graph.nodes[NODE_IDS.metadata]).toEqual({
      id: NODE_IDS.metadata,
      type: "core_metadata",
      generation_mode: "txt2img",
      positive_prompt: "a red fox",
      negative_prompt: "blurry",
      width: 64,
      height: 64,
      seed: 42,
      rand_device: "cpu",
      cfg_scale: 5,
      cfg_rescale_multiplier: 0,
      steps: 3,
      scheduler: "euler_a",
      clip_skip: 0,
      model: SD1,
    });
  });

  it("sets every node's fields that the fixture sets (no field InvokeAI would not know)", () => {
    const fixtureFields = (type: string) =>
      Object.keys(Object.values(t2iFixture.batch.graph.nodes as Graph["nodes"]).find((n) => n.type === type) ?? {}).sort();
    for (const node of Object.values(graph.nodes)) {
      expect(Object.keys(node).sort(), node.type).toEqual(fixtureFields(node.type));
    }
  });

  it("queues one item per seed, zipped over noise and metadata like InvokeAI", () => {
    const many = buildEnqueueBody({ params, model: SD1, boardId: null, seeds: [5, 9, 11] });
    expect(many.batch.runs).toBe(1);
    expect(many.batch.data).toEqual([
      [
        { node_path: NODE_IDS.noise, field_name: "seed", items: [5, 9, 11] },
        { node_path: NODE_IDS.metadata, field_name: "seed", items: [5, 9, 11] },
      ],
    ]);
    expect(many.batch.data?.[0]?.map((d) => d.node_path)).toEqual(
      t2iFixture.batch.data[0]?.map((d) => d.node_path.split(":")[0]),
    );
  });

  it("saves to the chosen board through l2i's board field", () => {
    const onBoard = buildEnqueueBody({ params, model: SD1, boardId: "b-1", seeds: [1] });
    expect(onBoard.batch.graph.nodes[NODE_IDS.output]?.board).toEqual({ board_id: "b-1" });
  });
});

describe("buildEnqueueBody: LoRAs and VAE", () => {
  it("puts LoRAs through selectors and a collection loader (t2i_lora fixture)", () => {
    const body = buildEnqueueBody({ params, model: SD1, boardId: null, seeds: [1], loras: [{ model: LORA, weight: 0.8 }] });
    const { graph } = body.batch;
    expect(nodeTypes(graph)).toEqual(nodeTypes(loraFixture.batch.graph as Graph));
    expect(wiring(graph)).toEqual(wiring(loraFixture.batch.graph as Graph));
    const selector = Object.values(graph.nodes).find((n) => n.type === "lora_selector");
    expect(selector).toMatchObject({ lora: LORA, weight: 0.8 });
    expect(graph.nodes[NODE_IDS.metadata]?.loras).toEqual([{ model: LORA, weight: 0.8 }]);
  });

  it("takes several LoRAs, each with its own selector", () => {
    const second = { ...LORA, key: "l2", name: "Other" };
    const { graph } = buildEnqueueBody({
      params,
      model: SD1,
      boardId: null,
      seeds: [1],
      loras: [
        { model: LORA, weight: 0.8 },
        { model: second, weight: -0.5 },
      ],
    }).batch;
    const selectors = Object.values(graph.nodes).filter((n) => n.type === "lora_selector");
    expect(selectors.map((s) => s.lora)).toEqual([LORA, second]);
    expect(wiring(graph).filter((w) => w === "lora_selector.lora → collect.item")).toHaveLength(2);
  });

  it("decodes with a chosen VAE instead of the model's", () => {
    const { graph } = buildEnqueueBody({ params, model: SD1, boardId: null, seeds: [1], vae: VAE }).batch;
    expect(graph.nodes[NODE_IDS.vae]).toMatchObject({ type: "vae_loader", vae_model: VAE });
    expect(wiring(graph)).toContain("vae_loader.vae → l2i.vae");
    expect(wiring(graph)).not.toContain("main_model_loader.vae → l2i.vae");
    expect(graph.nodes[NODE_IDS.metadata]?.vae).toEqual(VAE);
  });
});

describe("buildEnqueueBody: SDXL", () => {
  const sdxlParams = { ...params, modelKey: "x1" };

  it("uses the SDXL loader and prompts, wired as InvokeAI does (base part of the refiner fixture)", () => {
    const { graph } = buildEnqueueBody({ params: sdxlParams, model: SDXL, boardId: null, seeds: [7] }).batch;
    const fixture = sdxlFixture.batch.graph as Graph;
    const refinerNodes = Object.keys(fixture.nodes).filter((id) => id.startsWith("refiner_"));
    const baseOnly: Graph = {
      nodes: Object.fromEntries(Object.entries(fixture.nodes).filter(([id]) => !refinerNodes.includes(id))),
      edges: fixture.edges
        .filter((e) => !refinerNodes.includes(e.source.node_id) && !refinerNodes.includes(e.destination.node_id))
        .concat([
          {
            source: { node_id: "denoise_latents:Lf5wq4pXEH", field: "latents" },
            destination: { node_id: "canvas_output:lWHa7QIvQo", field: "latents" },
          },
        ]),
    };
    expect(wiring(graph)).toEqual(wiring(baseOnly));
    expect(graph.nodes[NODE_IDS.positive]).toMatchObject({
      type: "sdxl_compel_prompt",
      prompt: "a red fox",
      style: "a red fox",
      original_width: 64,
      target_height: 64,
    });
    expect(graph.nodes[NODE_IDS.metadata]).toMatchObject({ generation_mode: "sdxl_txt2img", negative_style_prompt: "blurry" });
    expect(graph.nodes[NODE_IDS.output]?.fp32).toBe(true);
  });

  it("passes both text encoders through the SDXL LoRA collection loader", () => {
    const xlLora = { ...LORA, base: "sdxl" };
    const { graph } = buildEnqueueBody({
      params: sdxlParams,
      model: SDXL,
      boardId: null,
      seeds: [7],
      loras: [{ model: xlLora, weight: 1 }],
    }).batch;
    expect(wiring(graph)).toEqual(
      expect.arrayContaining([
        "sdxl_model_loader.clip2 → sdxl_lora_collection_loader.clip2",
        "sdxl_lora_collection_loader.clip2 → sdxl_compel_prompt.clip2",
        "sdxl_lora_collection_loader.unet → denoise_latents.unet",
      ]),
    );
  });
});

describe("buildEnqueueBody: refusals", () => {
  it("refuses to build without a model or seeds", () => {
    expect(() => buildEnqueueBody({ params: { ...params, modelKey: null }, model: SD1, boardId: null, seeds: [1] })).toThrow(
      /no model/,
    );
    expect(() => buildEnqueueBody({ params, model: SD1, boardId: null, seeds: [] })).toThrow(/no seeds/);
  });

  it("knows which models it can build for", () => {
    expect(canBuildFor(SD1)).toBe(true);
    expect(canBuildFor({ base: "sd-2", type: "main" })).toBe(true);
    expect(canBuildFor(SDXL)).toBe(true);
    expect(canBuildFor({ base: "sdxl-refiner", type: "main" })).toBe(false);
    expect(canBuildFor({ base: "flux", type: "main" })).toBe(false);
    expect(() => buildEnqueueBody({ params, model: { ...SD1, base: "sdxl-refiner" }, boardId: null, seeds: [1] })).toThrow(
      /sdxl-refiner/,
    );
  });
});
