/** The enqueue_batch request for the Generate panel: a standard InvokeAI text-to-image graph, the
 * shape InvokeAI 6.x's linear UI builds (tests/fixtures/invokeai_graphs/t2i.json, sdxl_refiner.json):
 *
 *   SD 1.x/2.x: main_model_loader → clip_skip → [lora_collection_loader] → compel ×2 → collect ×2
 *               → denoise_latents ← noise; denoise_latents → l2i ← vae (model's or vae_loader's)
 *   SDXL:       sdxl_model_loader → [sdxl_lora_collection_loader] → sdxl_compel_prompt ×2 → …
 *
 * core_metadata feeds `l2i.metadata`, so the image carries InvokeAI's metadata (prompts, seed,
 * model, …). The run's seeds are batch data zipped over noise.seed and core_metadata.seed: one
 * queue item per seed. Node ids are fixed (InvokeAI adds random suffixes; nothing relies on them). */
import type { GenerateParams } from "./params";

export const ORIGIN = "generation";
export const DESTINATION = "generation";

/** InvokeAI's `ModelIdentifierField`. */
export interface ModelIdentifier {
  key: string;
  hash: string;
  name: string;
  base: string;
  type: string;
}

export interface LoraChoice {
  model: ModelIdentifier;
  weight: number;
}

/** Bases the standard graphs here cover (refiners run only behind a base model). */
export const GRAPH_BASES = ["sd-1", "sd-2", "sdxl"] as const;

export function canBuildFor(model: Pick<ModelIdentifier, "base" | "type">): boolean {
  return model.type === "main" && (GRAPH_BASES as readonly string[]).includes(model.base);
}

export const NODE_IDS = {
  model: "model_loader",
  clipSkip: "clip_skip",
  loras: "lora_collection_loader",
  loraCollector: "lora_collector",
  vae: "vae_loader",
  positive: "pos_cond",
  positiveCollect: "pos_cond_collect",
  negative: "neg_cond",
  negativeCollect: "neg_cond_collect",
  noise: "noise",
  denoise: "denoise_latents",
  output: "canvas_output",
  metadata: "core_metadata",
} as const;

type GraphNode = { id: string; type: string } & Record<string, unknown>;
export interface GraphEdge {
  source: { node_id: string; field: string };
  destination: { node_id: string; field: string };
}

export interface EnqueueBatchBody {
  batch: {
    graph: { id: string; nodes: Record<string, GraphNode>; edges: GraphEdge[] };
    runs: number;
    data: { node_path: string; field_name: string; items: number[] }[][];
    origin: string;
    destination: string;
  };
  prepend: boolean;
}

export interface GraphRequest {
  params: GenerateParams;
  /** The main model (its key must be `params.modelKey`). */
  model: ModelIdentifier;
  /** null saves to Uncategorized. */
  boardId: string | null;
  /** One entry per image (see seeds.ts). */
  seeds: readonly number[];
  vae?: ModelIdentifier | null;
  loras?: readonly LoraChoice[];
}

export const identifierOf = ({ key, hash, name, base, type }: ModelIdentifier): ModelIdentifier => ({
  key,
  hash,
  name,
  base,
  type,
});

class GraphBuilder {
  readonly nodes: Record<string, GraphNode> = {};
  readonly edges: GraphEdge[] = [];

  add(id: string, type: string, fields: Record<string, unknown> = {}): string {
    this.nodes[id] = { id, type, ...fields };
    return id;
  }

  connect(source: string, sourceField: string, destination: string, destinationField: string): void {
    this.edges.push({
      source: { node_id: source, field: sourceField },
      destination: { node_id: destination, field: destinationField },
    });
  }
}

/** Adds the LoRA selectors, their collector and the collection loader between the model's
 * UNet/CLIP(s) and their users; returns the node that now provides them. */
function addLoras(g: GraphBuilder, loras: readonly LoraChoice[], sdxl: boolean, clipFrom: string): string {
  const loader = g.add(NODE_IDS.loras, sdxl ? "sdxl_lora_collection_loader" : "lora_collection_loader");
  g.add(NODE_IDS.loraCollector, "collect");
  g.connect(NODE_IDS.loraCollector, "collection", loader, "loras");
  loras.forEach((lora, index) => {
    const selector = g.add(`lora_selector_${index}`, "lora_selector", { lora: identifierOf(lora.model), weight: lora.weight });
    g.connect(selector, "lora", NODE_IDS.loraCollector, "item");
  });
  g.connect(NODE_IDS.model, "unet", loader, "unet");
  g.connect(clipFrom, "clip", loader, "clip");
  if (sdxl) g.connect(NODE_IDS.model, "clip2", loader, "clip2");
  return loader;
}

function promptFields(prompt: string, params: GenerateParams, sdxl: boolean): Record<string, unknown> {
  if (!sdxl) return { prompt };
  const { width, height } = params;
  return {
    prompt,
    style: prompt,
    original_width: width,
    original_height: height,
    target_width: width,
    target_height: height,
    crop_top: 0,
    crop_left: 0,
  };
}

export function buildEnqueueBody({ params, model, boardId, seeds, vae = null, loras = [] }: GraphRequest): EnqueueBatchBody {
  if (!params.modelKey || params.modelKey !== model.key) throw new Error("buildEnqueueBody: no model chosen");
  if (!canBuildFor(model)) throw new Error(`buildEnqueueBody: cannot generate with a ${model.base} ${model.type} model`);
  if (seeds.length === 0) throw new Error("buildEnqueueBody: no seeds");
  const sdxl = model.base === "sdxl";
  const g = new GraphBuilder();
  const { width, height, steps, cfgScale, scheduler } = params;

  g.add(NODE_IDS.model, sdxl ? "sdxl_model_loader" : "main_model_loader", { model: identifierOf(model) });
  let clip: string = NODE_IDS.model;
  if (!sdxl) {
    clip = g.add(NODE_IDS.clipSkip, "clip_skip", { skipped_layers: 0 });
    g.connect(NODE_IDS.model, "clip", clip, "clip");
  }
  let unet: string = NODE_IDS.model;
  let clip2: string = NODE_IDS.model;
  if (loras.length > 0) {
    unet = clip = clip2 = addLoras(g, loras, sdxl, clip);
  }
  const promptType = sdxl ? "sdxl_compel_prompt" : "compel";
  const conditionings = [
    [NODE_IDS.positive, NODE_IDS.positiveCollect, params.prompt, "positive_conditioning"],
    [NODE_IDS.negative, NODE_IDS.negativeCollect, params.negativePrompt, "negative_conditioning"],
  ] as const;
  for (const [id, collectId, prompt, denoiseField] of conditionings) {
    g.add(id, promptType, promptFields(prompt, params, sdxl));
    g.connect(clip, "clip", id, "clip");
    if (sdxl) g.connect(clip2, "clip2", id, "clip2");
    g.add(collectId, "collect");
    g.connect(id, "conditioning", collectId, "item");
    g.connect(collectId, "collection", NODE_IDS.denoise, denoiseField);
  }

  g.add(NODE_IDS.noise, "noise", { seed: seeds[0], width, height, use_cpu: true });
  g.add(NODE_IDS.denoise, "denoise_latents", {
    cfg_scale: cfgScale,
    cfg_rescale_multiplier: 0,
    scheduler,
    steps,
    denoising_start: 0,
    denoising_end: 1,
  });
  g.connect(unet, "unet", NODE_IDS.denoise, "unet");
  g.connect(NODE_IDS.noise, "noise", NODE_IDS.denoise, "noise");

  const output: Record<string, unknown> = { fp32: sdxl, is_intermediate: false, use_cache: false };
  if (boardId) output.board = { board_id: boardId };
  g.add(NODE_IDS.output, "l2i", output);
  g.connect(NODE_IDS.denoise, "latents", NODE_IDS.output, "latents");
  if (vae) {
    g.add(NODE_IDS.vae, "vae_loader", { vae_model: identifierOf(vae) });
    g.connect(NODE_IDS.vae, "vae", NODE_IDS.output, "vae");
  } else {
    g.connect(NODE_IDS.model, "vae", NODE_IDS.output, "vae");
  }

  const metadata: Record<string, unknown> = {
    generation_mode: sdxl ? "sdxl_txt2img" : "txt2img",
    positive_prompt: params.prompt,
    negative_prompt: params.negativePrompt,
    width,
    height,
    seed: seeds[0],
    rand_device: "cpu",
    cfg_scale: cfgScale,
    cfg_rescale_multiplier: 0,
    steps,
    scheduler,
    model: identifierOf(model),
  };
  if (sdxl) Object.assign(metadata, { positive_style_prompt: params.prompt, negative_style_prompt: params.negativePrompt });
  else metadata.clip_skip = 0;
  if (vae) metadata.vae = identifierOf(vae);
  if (loras.length > 0) metadata.loras = loras.map((l) => ({ model: identifierOf(l.model), weight: l.weight }));
  g.add(NODE_IDS.metadata, "core_metadata", metadata);
  g.connect(NODE_IDS.metadata, "metadata", NODE_IDS.output, "metadata");

  const seedItems = [...seeds];
  return {
    batch: {
      graph: { id: sdxl ? "sdxl_graph" : "sd_graph", nodes: g.nodes, edges: g.edges },
      runs: 1,
      data: [
        [
          { node_path: NODE_IDS.noise, field_name: "seed", items: seedItems },
          { node_path: NODE_IDS.metadata, field_name: "seed", items: [...seedItems] },
        ],
      ],
      origin: ORIGIN,
      destination: DESTINATION,
    },
    prepend: false,
  };
}
