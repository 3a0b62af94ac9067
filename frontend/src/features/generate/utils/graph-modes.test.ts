import { describe, expect, it } from "vitest";
import controlFixture from "../../../../../tests/fixtures/invokeai_graphs/controlnet.json";
import img2imgFixture from "../../../../../tests/fixtures/invokeai_graphs/img2img.json";
import inpaintFixture from "../../../../../tests/fixtures/invokeai_graphs/inpaint.json";
import refinerFixture from "../../../../../tests/fixtures/invokeai_graphs/sdxl_refiner.json";
import upscaleFixture from "../../../../../tests/fixtures/invokeai_graphs/upscale.json";
import { buildEnqueueBody, NODE_IDS, type GraphEdge, type ModelIdentifier } from "./graph";
import { DEFAULT_PARAMS, type GenerateParams } from "./params";
import { buildUpscaleBody, UPSCALE_NODE_IDS } from "./upscale-graph";

const SD1: ModelIdentifier = { key: "m1", hash: "blake3:m1", name: "Tiny", base: "sd-1", type: "main" };
const SDXL: ModelIdentifier = { key: "x1", hash: "blake3:x1", name: "XL", base: "sdxl", type: "main" };
const REFINER: ModelIdentifier = { key: "r1", hash: "blake3:r1", name: "Refiner", base: "sdxl-refiner", type: "main" };
const CONTROL: ModelIdentifier = { key: "c1", hash: "blake3:c1", name: "Edges", base: "sd-1", type: "controlnet" };
const UPSCALER: ModelIdentifier = { key: "u1", hash: "blake3:u1", name: "2x", base: "any", type: "spandrel_image_to_image" };

const params: GenerateParams = { ...DEFAULT_PARAMS, modelKey: "m1", prompt: "a fox", negativePrompt: "blurry", width: 64, height: 64, steps: 3 };
const init = { imageName: "init.png", width: 64, height: 64, strength: 0.6 };

interface Graph {
  nodes: Record<string, { type: string } & Record<string, unknown>>;
  edges: GraphEdge[];
}

/** A graph's wiring with node ids replaced by their types: "i2l.latents → denoise_latents.latents". */
function wiring(graph: Graph): string[] {
  const typeOf = (id: string) => graph.nodes[id]?.type ?? `missing:${id}`;
  return graph.edges
    .map((e) => `${typeOf(e.source.node_id)}.${e.source.field} → ${typeOf(e.destination.node_id)}.${e.destination.field}`)
    .sort();
}

const nodeTypes = (graph: Graph) =>
  Object.values(graph.nodes)
    .map((n) => n.type)
    .sort();

/** Every node sets exactly the fields the fixture's node of that type sets (ids aside). */
function expectFixtureFields(graph: Graph, fixture: Graph) {
  const fieldsOf = (g: Graph, id: string) => Object.keys(g.nodes[id] ?? {}).sort();
  for (const [id, node] of Object.entries(graph.nodes)) {
    const twin = Object.entries(fixture.nodes).find(
      ([fixtureId, n]) => n.type === node.type && fixtureId.split(":")[0]!.startsWith(id.split("_")[0]!),
    );
    const candidates = twin ? [twin[0]] : Object.keys(fixture.nodes).filter((k) => fixture.nodes[k]!.type === node.type);
    expect(candidates.map((k) => fieldsOf(fixture, k)), `${id} (${node.type})`).toContainEqual(fieldsOf(graph, id));
  }
}

describe("image to image", () => {
  const body = buildEnqueueBody({ params, model: SD1, boardId: "b1", seeds: [3], mode: "img2img", init });
  const graph = body.batch.graph;

  it("has the img2img fixture's nodes and wiring", () => {
    expect(nodeTypes(graph)).toEqual(nodeTypes(img2imgFixture.batch.graph as Graph));
    expect(wiring(graph)).toEqual(wiring(img2imgFixture.batch.graph as Graph));
    expect(body.batch.origin).toBe(img2imgFixture.batch.origin);
  });

  it("starts denoising at 1 − strength from the encoded init image", () => {
    expect(graph.nodes[NODE_IDS.denoise]).toMatchObject({ denoising_start: 0.4, denoising_end: 1 });
    expect(graph.nodes[NODE_IDS.imageToLatents]).toMatchObject({ image: { image_name: "init.png" } });
    expect(graph.nodes[NODE_IDS.metadata]).toMatchObject({ generation_mode: "img2img", strength: 0.6, init_image: "init.png" });
    expect(graph.nodes[NODE_IDS.output]).toMatchObject({ is_intermediate: false, board: { board_id: "b1" } });
  });

  it("sets the fields InvokeAI sets (besides the board)", () => {
    const { board: _board, ...output } = graph.nodes[NODE_IDS.output]!;
    expectFixtureFields({ ...graph, nodes: { ...graph.nodes, [NODE_IDS.output]: output } }, img2imgFixture.batch.graph as Graph);
  });

  it("resizes an init image of another size to the chosen size first", () => {
    const resized = buildEnqueueBody({ params, model: SD1, boardId: null, seeds: [3], mode: "img2img", init: { ...init, width: 100 } });
    const g = resized.batch.graph;
    expect(g.nodes[NODE_IDS.resize]).toMatchObject({ type: "img_resize", width: 64, height: 64 });
    expect(wiring(g)).toContain("img_resize.image → i2l.image");
  });

  it("refuses to build without an init image", () => {
    expect(() => buildEnqueueBody({ params, model: SD1, boardId: null, seeds: [3], mode: "img2img" })).toThrow(/init image/);
  });
});

describe("inpaint", () => {
  const body = buildEnqueueBody({
    params,
    model: SD1,
    boardId: "b1",
    seeds: [3],
    mode: "inpaint",
    init: { ...init, strength: 1 },
    maskName: "mask.png",
  });
  const graph = body.batch.graph;

  it("has the inpaint fixture's tomask → create_gradient_mask → canvas_paste_back shape", () => {
    expect(nodeTypes(graph)).toEqual(nodeTypes(inpaintFixture.batch.graph as Graph));
    expect(wiring(graph)).toEqual(wiring(inpaintFixture.batch.graph as Graph));
  });

  it("decodes into an intermediate image and saves the pasted-back one to the board", () => {
    expect(graph.nodes[NODE_IDS.output]).toMatchObject({ type: "l2i", is_intermediate: true });
    expect(graph.nodes[NODE_IDS.output]).not.toHaveProperty("board");
    expect(graph.nodes[NODE_IDS.pasteBack]).toMatchObject({
      source_image: { image_name: "init.png" },
      is_intermediate: false,
      board: { board_id: "b1" },
    });
    expect(graph.nodes[NODE_IDS.alphaToMask]).toMatchObject({ image: { image_name: "mask.png" }, invert: true });
    // The masks the graph makes stay out of the gallery.
    expect(graph.nodes[NODE_IDS.alphaToMask]?.is_intermediate).toBe(true);
    expect(graph.nodes[NODE_IDS.gradientMask]?.is_intermediate).toBe(true);
    expect(graph.nodes[NODE_IDS.denoise]).toMatchObject({ denoising_start: 0 });
    expect(graph.nodes[NODE_IDS.metadata]).toMatchObject({ generation_mode: "inpaint", strength: 1 });
  });

  it("needs a mask and the image's own size", () => {
    expect(() => buildEnqueueBody({ params, model: SD1, boardId: null, seeds: [1], mode: "inpaint", init })).toThrow(/mask/);
    expect(() =>
      buildEnqueueBody({ params, model: SD1, boardId: null, seeds: [1], mode: "inpaint", init: { ...init, width: 72 }, maskName: "m" }),
    ).toThrow(/own size/);
  });
});

describe("SDXL refiner", () => {
  const xlParams = { ...params, modelKey: "x1", steps: 4, cfgScale: 6 };
  const refiner = { model: REFINER, steps: 4, start: 0.75, cfgScale: 7.5 };
  const graph = buildEnqueueBody({ params: xlParams, model: SDXL, boardId: null, seeds: [77], refiner }).batch.graph;

  it("has the sdxl_refiner fixture's nodes and wiring", () => {
    expect(nodeTypes(graph)).toEqual(nodeTypes(refinerFixture.batch.graph as Graph));
    expect(wiring(graph)).toEqual(wiring(refinerFixture.batch.graph as Graph));
  });

  it("hands over at the refiner's start", () => {
    expect(graph.nodes[NODE_IDS.denoise]).toMatchObject({ denoising_start: 0, denoising_end: 0.75 });
    expect(graph.nodes[NODE_IDS.refinerDenoise]).toMatchObject({ denoising_start: 0.75, denoising_end: 1, steps: 4, cfg_scale: 7.5 });
    expect(graph.nodes[NODE_IDS.metadata]).toMatchObject({ refiner_model: REFINER, refiner_steps: 4, refiner_start: 0.75 });
    expectFixtureFields(graph, refinerFixture.batch.graph as Graph);
  });

  it("runs only behind SDXL", () => {
    expect(() => buildEnqueueBody({ params, model: SD1, boardId: null, seeds: [1], refiner })).toThrow(/SDXL/);
  });
});

describe("ControlNet", () => {
  const control = { model: CONTROL, imageName: "edges.png", weight: 0.9, begin: 0, end: 0.75 };
  const graph = buildEnqueueBody({ params, model: SD1, boardId: null, seeds: [1], control }).batch.graph;

  it("has the controlnet fixture's nodes and wiring", () => {
    expect(nodeTypes(graph)).toEqual(nodeTypes(controlFixture.batch.graph as Graph));
    expect(wiring(graph)).toEqual(wiring(controlFixture.batch.graph as Graph));
    expectFixtureFields(graph, controlFixture.batch.graph as Graph);
  });

  it("carries the model, image, weight and step range", () => {
    expect(graph.nodes[NODE_IDS.controlNet]).toMatchObject({
      control_model: CONTROL,
      image: { image_name: "edges.png" },
      control_weight: 0.9,
      begin_step_percent: 0,
      end_step_percent: 0.75,
    });
    const fixtureMeta = Object.values(controlFixture.batch.graph.nodes).find((n) => n.type === "core_metadata") as Record<string, unknown>;
    expect(Object.keys((graph.nodes[NODE_IDS.metadata]?.controlnets as object[])[0]!).sort()).toEqual(
      Object.keys((fixtureMeta.controlnets as object[])[0]!).sort(),
    );
  });
});

describe("upscale", () => {
  it("is the upscale fixture's single spandrel node with metadata, saved on the original's board", () => {
    const body = buildUpscaleBody({ imageName: "orig.png", model: UPSCALER, boardId: "b9" });
    const graph = body.batch.graph;
    expect(nodeTypes(graph)).toEqual(nodeTypes(upscaleFixture.batch.graph as Graph));
    expect(wiring(graph)).toEqual(wiring(upscaleFixture.batch.graph as Graph));
    expect(graph.nodes[UPSCALE_NODE_IDS.upscale]).toMatchObject({
      image: { image_name: "orig.png" },
      image_to_image_model: UPSCALER,
      is_intermediate: false,
      board: { board_id: "b9" },
    });
    expect(body.batch).toMatchObject({ origin: "upscaling", destination: "gallery", runs: 1 });
    expect(buildUpscaleBody({ imageName: "o", model: UPSCALER, boardId: null }).batch.graph.nodes[UPSCALE_NODE_IDS.upscale]).not.toHaveProperty(
      "board",
    );
  });

  it("refuses a model that is not an upscaler", () => {
    expect(() => buildUpscaleBody({ imageName: "o", model: SD1, boardId: null })).toThrow(/not an upscaler/);
  });
});
