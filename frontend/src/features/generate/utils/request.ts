/** From the panel's settings and the installed models to a graph request: keys become model
 * identifiers; a model that is gone or of another base is reported, not sent. */
import type { ModelConfig } from "@/lib/api-types";
import type { GraphRequest, InitImage } from "./graph";
import type { GenerateParams } from "./params";

export interface InpaintInput {
  init: Omit<InitImage, "strength">;
  maskName: string;
}

export type RequestOutcome = { ok: true; request: GraphRequest } | { ok: false; problem: string };

interface RequestInput {
  params: GenerateParams;
  models: readonly ModelConfig[];
  boardId: string | null;
  seeds: readonly number[];
  /** Inpainting: the canvas's uploaded image and mask. */
  inpaint?: InpaintInput | null;
}

export function requestFor({ params, models, boardId, seeds, inpaint = null }: RequestInput): RequestOutcome {
  const find = (key: string | null) => models.find((m) => m.key === key);
  const model = find(params.modelKey);
  if (!model) return { ok: false, problem: "Pick a model." };
  const fits = (m: ModelConfig | undefined, type: string) => m !== undefined && m.type === type && m.base === model.base;

  const loras = [];
  for (const lora of params.loras) {
    const installed = find(lora.key);
    if (!fits(installed, "lora")) return { ok: false, problem: `A chosen LoRA is not installed for ${model.base}; remove it.` };
    loras.push({ model: installed!, weight: lora.weight });
  }
  const vae = params.vaeKey ? find(params.vaeKey) : null;
  if (params.vaeKey && !fits(vae ?? undefined, "vae")) return { ok: false, problem: "The chosen VAE is not installed for this model." };

  const request: GraphRequest = { params, model, boardId, seeds, mode: params.mode, loras, vae: vae ?? null };
  if (params.mode === "img2img") {
    if (!params.initImage) return { ok: false, problem: "Choose an image to start from." };
    request.init = { ...params.initImage, strength: params.strength };
  }
  if (params.mode === "inpaint") {
    if (!inpaint) return { ok: false, problem: "Open an image in the canvas and paint where it should change." };
    request.init = { ...inpaint.init, strength: params.strength };
    request.maskName = inpaint.maskName;
    request.params = { ...params, width: inpaint.init.width, height: inpaint.init.height };
  }
  const { refiner, control } = params;
  if (refiner.enabled && model.base === "sdxl") {
    const refinerModel = find(refiner.modelKey);
    if (!refinerModel || refinerModel.base !== "sdxl-refiner") return { ok: false, problem: "Pick an installed refiner model." };
    request.refiner = { model: refinerModel, steps: refiner.steps, start: refiner.start, cfgScale: params.cfgScale };
  }
  if (control.enabled) {
    const controlModel = find(control.modelKey);
    if (!fits(controlModel, "controlnet")) return { ok: false, problem: "Pick a ControlNet model installed for this model's base." };
    if (!control.imageName) return { ok: false, problem: "Choose a control image." };
    request.control = { model: controlModel!, imageName: control.imageName, weight: control.weight, begin: control.begin, end: control.end };
  }
  return { ok: true, request };
}
