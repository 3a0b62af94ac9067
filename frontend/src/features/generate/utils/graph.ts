/** The enqueue_batch request for the Generate panel: the standard InvokeAI graphs, in the shapes
 * InvokeAI's UI builds them (tests/fixtures/invokeai_graphs/*.json):
 *
 *   SD 1.x/2.x: main_model_loader → clip_skip → [lora_collection_loader] → compel ×2 → collect ×2
 *               → denoise_latents ← noise; denoise_latents → l2i ← vae (model's or vae_loader's)
 *   SDXL:       sdxl_model_loader → [sdxl_lora_collection_loader] → sdxl_compel_prompt ×2 → …
 *   image to image: i2l(init image) → denoise_latents.latents, denoising_start = 1 − strength
 *   inpaint:    + tomask(mask) → create_gradient_mask → denoise_latents.denoise_mask; the decoded
 *               image (intermediate) → canvas_paste_back over the init image, which is the output
 *   refiner:    sdxl_refiner_model_loader → sdxl_refiner_compel_prompt ×2 → a second
 *               denoise_latents from the base's latents (base ends where the refiner starts)
 *   ControlNet: controlnet → collect → denoise_latents.control
 *
 * core_metadata feeds the output node's `metadata`, so the image carries InvokeAI's metadata
 * (prompts, seed, model, …). The run's seeds are batch data zipped over noise.seed and
 * core_metadata.seed: one queue item per seed. Node ids are fixed (InvokeAI adds random suffixes;
 * nothing relies on them). */
import { GraphBuilder, identifierOf, type EnqueueBatchBody, type ModelIdentifier } from "./graph-builder";
import type { GenerateParams, GenerationMode } from "./params";

export { type EnqueueBatchBody, type GraphEdge, type ModelIdentifier } from "./graph-builder";

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
  imageToLatents: "i2l",
  resize: "init_image_resize",
  alphaToMask: "alpha_to_mask",
  gradientMask: "create_gradient_mask",
  pasteBack: "canvas_paste_back",
  refinerModel: "refiner_model_loader",
  refinerPositive: "refiner_pos_cond",
  refinerNegative: "refiner_neg_cond",
  refinerDenoise: "refiner_denoise_latents",
  controlNet: "control_net",
  controlCollector: "control_net_collector",
} as const;

export interface LoraChoice {
  model: ModelIdentifier;
  weight: number;
}

/** The image a run starts from: image to image and inpainting. */
export interface InitImage {
  imageName: string;
  width: number;
  height: number;
  /** Denoising strength, 0..1: how much of the image is redone. */
  strength: number;
}

export interface RefinerChoice {
  model: ModelIdentifier;
  steps: number;
  /** 0..1: where the base hands over to the refiner. */
  start: number;
  cfgScale: number;
}

export interface ControlChoice {
  model: ModelIdentifier;
  imageName: string;
  weight: number;
  begin: number;
  end: number;
}

export interface GraphRequest {
  params: GenerateParams;
  /** The main model (its key must be `params.modelKey`). */
  model: ModelIdentifier;
  /** null saves to Uncategorized. */
  boardId: string | null;
  /** One entry per image (see seeds.ts). */
  seeds: readonly number[];
  mode?: GenerationMode;
  vae?: ModelIdentifier | null;
  loras?: readonly LoraChoice[];
  init?: InitImage | null;
  /** Inpainting: the uploaded mask (painted area opaque, the rest transparent). */
  maskName?: string | null;
  refiner?: RefinerChoice | null;
  control?: ControlChoice | null;
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

/** The SDXL refiner after the base: its own loader, prompts and denoise from the base's latents. */
function addRefiner(g: GraphBuilder, refiner: RefinerChoice, params: GenerateParams): string {
  g.add(NODE_IDS.refinerModel, "sdxl_refiner_model_loader", { model: identifierOf(refiner.model) });
  const prompts = [
    [NODE_IDS.refinerPositive, params.prompt, 6, "positive_conditioning"],
    [NODE_IDS.refinerNegative, params.negativePrompt, 2.5, "negative_conditioning"],
  ] as const;
  for (const [id, style, aestheticScore, denoiseField] of prompts) {
    g.add(id, "sdxl_refiner_compel_prompt", {
      style,
      original_width: params.width,
      original_height: params.height,
      crop_top: 0,
      crop_left: 0,
      aesthetic_score: aestheticScore,
    });
    g.connect(NODE_IDS.refinerModel, "clip2", id, "clip2");
    g.connect(id, "conditioning", NODE_IDS.refinerDenoise, denoiseField);
  }
  g.add(NODE_IDS.refinerDenoise, "denoise_latents", {
    cfg_scale: refiner.cfgScale,
    steps: refiner.steps,
    scheduler: params.scheduler,
    denoising_start: refiner.start,
    denoising_end: 1,
  });
  g.connect(NODE_IDS.refinerModel, "unet", NODE_IDS.refinerDenoise, "unet");
  g.connect(NODE_IDS.denoise, "latents", NODE_IDS.refinerDenoise, "latents");
  return NODE_IDS.refinerDenoise;
}

function addControlNet(g: GraphBuilder, control: ControlChoice): Record<string, unknown> {
  const fields = {
    begin_step_percent: control.begin,
    end_step_percent: control.end,
    control_mode: "balanced",
    resize_mode: "just_resize",
    control_model: identifierOf(control.model),
    control_weight: control.weight,
    image: { image_name: control.imageName },
  };
  g.add(NODE_IDS.controlCollector, "collect");
  g.add(NODE_IDS.controlNet, "controlnet", fields);
  g.connect(NODE_IDS.controlNet, "control", NODE_IDS.controlCollector, "item");
  g.connect(NODE_IDS.controlCollector, "collection", NODE_IDS.denoise, "control");
  const { image, control_model, ...rest } = fields;
  return { image, control_model, ...rest };
}

function checkRequest({ params, model, seeds, mode = "txt2img", init, maskName, refiner }: GraphRequest): void {
  if (!params.modelKey || params.modelKey !== model.key) throw new Error("buildEnqueueBody: no model chosen");
  if (!canBuildFor(model)) throw new Error(`buildEnqueueBody: cannot generate with a ${model.base} ${model.type} model`);
  if (seeds.length === 0) throw new Error("buildEnqueueBody: no seeds");
  if (mode !== "txt2img" && !init) throw new Error(`buildEnqueueBody: ${mode} needs an init image`);
  if (mode === "inpaint" && !maskName) throw new Error("buildEnqueueBody: inpaint needs a mask");
  if (mode === "inpaint" && init && (init.width !== params.width || init.height !== params.height)) {
    throw new Error("buildEnqueueBody: inpaint runs at the image's own size");
  }
  if (refiner && model.base !== "sdxl") throw new Error("buildEnqueueBody: a refiner runs only behind an SDXL model");
}

export function buildEnqueueBody(request: GraphRequest): EnqueueBatchBody {
  checkRequest(request);
  const { params, model, boardId, seeds, mode = "txt2img", vae = null, loras = [], refiner = null, control = null } = request;
  const init = mode === "txt2img" ? null : (request.init ?? null);
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
    denoising_start: init ? roundFraction(1 - init.strength) : 0,
    denoising_end: refiner ? refiner.start : 1,
  });
  g.connect(unet, "unet", NODE_IDS.denoise, "unet");
  g.connect(NODE_IDS.noise, "noise", NODE_IDS.denoise, "noise");

  const vaeSource = vae ? g.add(NODE_IDS.vae, "vae_loader", { vae_model: identifierOf(vae) }) : NODE_IDS.model;
  if (init) addInitImage(g, init, params, vaeSource);
  if (mode === "inpaint" && init && request.maskName) addInpaintMask(g, init, request.maskName, vaeSource);
  const controlMetadata = control ? addControlNet(g, control) : null;
  const latents = refiner ? addRefiner(g, refiner, params) : NODE_IDS.denoise;

  const decoded: Record<string, unknown> = { fp32: sdxl, is_intermediate: mode === "inpaint", use_cache: false };
  g.add(NODE_IDS.output, "l2i", decoded);
  g.connect(latents, "latents", NODE_IDS.output, "latents");
  g.connect(vaeSource, "vae", NODE_IDS.output, "vae");
  let output: string = NODE_IDS.output;
  if (mode === "inpaint" && init) {
    output = g.add(NODE_IDS.pasteBack, "canvas_paste_back", {
      source_image: { image_name: init.imageName },
      mask_blur: 4,
      is_intermediate: false,
      use_cache: false,
    });
    g.connect(NODE_IDS.output, "image", output, "target_image");
    g.connect(NODE_IDS.gradientMask, "expanded_mask_area", output, "mask");
  }
  if (boardId) g.nodes[output]!.board = { board_id: boardId };

  const metadata: Record<string, unknown> = {
    generation_mode: `${sdxl ? "sdxl_" : ""}${mode}`,
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
  if (init) metadata.strength = init.strength;
  if (init && mode === "img2img") metadata.init_image = init.imageName;
  if (controlMetadata) metadata.controlnets = [controlMetadata];
  if (refiner) {
    Object.assign(metadata, {
      refiner_model: identifierOf(refiner.model),
      refiner_cfg_scale: refiner.cfgScale,
      refiner_steps: refiner.steps,
      refiner_scheduler: scheduler,
      refiner_positive_aesthetic_score: 6,
      refiner_negative_aesthetic_score: 2.5,
      refiner_start: refiner.start,
    });
  }
  g.add(NODE_IDS.metadata, "core_metadata", metadata);
  g.connect(NODE_IDS.metadata, "metadata", output, "metadata");

  const seedItems = [...seeds];
  const origin = mode === "txt2img" ? "generation" : "canvas";
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
      origin,
      destination: origin,
    },
    prepend: false,
  };
}

/** 1 − 0.6 is 0.4, not 0.40000000000000002. */
const roundFraction = (value: number) => Math.round(value * 1e6) / 1e6;

/** i2l encodes the init image (resized first when it is not the chosen size) into the latents
 * denoise_latents starts from. */
function addInitImage(g: GraphBuilder, init: InitImage, params: GenerateParams, vaeSource: string): void {
  g.add(NODE_IDS.imageToLatents, "i2l", { image: { image_name: init.imageName }, fp32: false });
  if (init.width !== params.width || init.height !== params.height) {
    g.add(NODE_IDS.resize, "img_resize", {
      image: { image_name: init.imageName },
      width: params.width,
      height: params.height,
      resample_mode: "bicubic",
      is_intermediate: true,
    });
    g.connect(NODE_IDS.resize, "image", NODE_IDS.imageToLatents, "image");
  }
  g.connect(vaeSource, "vae", NODE_IDS.imageToLatents, "vae");
  g.connect(NODE_IDS.imageToLatents, "latents", NODE_IDS.denoise, "latents");
}

/** tomask turns the painted (opaque) area black; create_gradient_mask fades its edge into the
 * denoise mask and gives canvas_paste_back the area to take from the generated image. Both save
 * images: intermediate ones, so masks stay out of the gallery (the nodes' default is a gallery
 * image). */
function addInpaintMask(g: GraphBuilder, init: InitImage, maskName: string, vaeSource: string): void {
  g.add(NODE_IDS.alphaToMask, "tomask", { image: { image_name: maskName }, invert: true, is_intermediate: true });
  g.add(NODE_IDS.gradientMask, "create_gradient_mask", {
    is_intermediate: true,
    coherence_mode: "Gaussian Blur",
    minimum_denoise: 0,
    edge_radius: 8,
    fp32: false,
    image: { image_name: init.imageName },
  });
  g.connect(NODE_IDS.alphaToMask, "image", NODE_IDS.gradientMask, "mask");
  g.connect(vaeSource, "vae", NODE_IDS.gradientMask, "vae");
  g.connect(NODE_IDS.model, "unet", NODE_IDS.gradientMask, "unet");
  g.connect(NODE_IDS.gradientMask, "denoise_mask", NODE_IDS.denoise, "denoise_mask");
}
