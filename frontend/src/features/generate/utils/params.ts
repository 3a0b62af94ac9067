/** The Generate panel's parameters: defaults, limits (those of InvokeAI's noise and
 * denoise_latents nodes), a main model's default settings, and validation of whatever was stored
 * between visits. */
import type { ModelConfig, SchedulerName } from "@/lib/api-types";
import { isSchedulerName } from "@/lib/schedulers";

export interface GenerateParams {
  modelKey: string | null;
  prompt: string;
  negativePrompt: string;
  width: number;
  height: number;
  steps: number;
  cfgScale: number;
  scheduler: SchedulerName;
  seed: number;
  /** A new random seed for every image; otherwise `seed`, `seed + 1`, … */
  randomSeed: boolean;
  /** How many images one Invoke queues. */
  runs: number;
  mode: GenerationMode;
  /** Image to image and inpainting start from this gallery image. */
  initImage: InitImageRef | null;
  /** Denoising strength, 0..1 (InvokeAI's default 0.75). */
  strength: number;
  loras: LoraRef[];
  /** null: the model's own VAE. */
  vaeKey: string | null;
  refiner: RefinerParams;
  control: ControlParams;
}

export type GenerationMode = "txt2img" | "img2img" | "inpaint";

export interface InitImageRef {
  imageName: string;
  width: number;
  height: number;
}

export interface LoraRef {
  key: string;
  weight: number;
}

export interface RefinerParams {
  enabled: boolean;
  modelKey: string | null;
  steps: number;
  /** Where the refiner takes over, 0..1. */
  start: number;
  cfgScale: number;
}

export interface ControlParams {
  enabled: boolean;
  modelKey: string | null;
  imageName: string | null;
  weight: number;
  begin: number;
  end: number;
}

export const SEED_MAX = 2 ** 32 - 1;

export const LIMITS = {
  side: { min: 64, max: 4096, step: 8 },
  steps: { min: 1, max: 200 },
  cfgScale: { min: 1, max: 200 },
  runs: { min: 1, max: 100 },
  prompt: { max: 10_000 },
  loraWeight: { min: -10, max: 10 },
  controlWeight: { min: -1, max: 2 },
} as const;

export const DEFAULT_REFINER: RefinerParams = { enabled: false, modelKey: null, steps: 20, start: 0.8, cfgScale: 7.5 };
export const DEFAULT_CONTROL: ControlParams = { enabled: false, modelKey: null, imageName: null, weight: 1, begin: 0, end: 1 };

export const DEFAULT_PARAMS: GenerateParams = {
  modelKey: null,
  prompt: "",
  negativePrompt: "",
  width: 512,
  height: 512,
  steps: 30,
  cfgScale: 7.5,
  scheduler: "euler",
  seed: 0,
  randomSeed: true,
  runs: 1,
  mode: "txt2img",
  initImage: null,
  strength: 0.75,
  loras: [],
  vaeKey: null,
  refiner: DEFAULT_REFINER,
  control: DEFAULT_CONTROL,
};

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** The nearest allowed side: a multiple of 8 within the node's limits. */
export function snapSide(value: number): number {
  if (!Number.isFinite(value)) return DEFAULT_PARAMS.width;
  return clamp(Math.round(value / 8) * 8, LIMITS.side.min, LIMITS.side.max);
}

const isInt = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value);
const isNum = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
const isFraction = (value: unknown): value is number => isNum(value) && value >= 0 && value <= 1;
const isRecord = (value: unknown): value is Record<string, unknown> => !!value && typeof value === "object" && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === "string";

/** Picking a model applies its default settings (those it has; the rest stay). */
export function applyModelDefaults(params: GenerateParams, model: ModelConfig): GenerateParams {
  const defaults = model.default_settings ?? {};
  const next = { ...params, modelKey: model.key };
  if (isInt(defaults.width)) next.width = snapSide(defaults.width);
  if (isInt(defaults.height)) next.height = snapSide(defaults.height);
  if (isInt(defaults.steps)) next.steps = clamp(defaults.steps, LIMITS.steps.min, LIMITS.steps.max);
  if (isNum(defaults.cfg_scale)) next.cfgScale = clamp(defaults.cfg_scale, LIMITS.cfgScale.min, LIMITS.cfgScale.max);
  if (isSchedulerName(defaults.scheduler)) next.scheduler = defaults.scheduler;
  return next;
}

/** Keeps the chosen model when it is still installed; otherwise the first one, with its
 * defaults; null when there is none. */
export function withInstalledModel(params: GenerateParams, models: readonly ModelConfig[]): GenerateParams {
  if (params.modelKey && models.some((m) => m.key === params.modelKey)) return params;
  const first = models[0];
  return first ? applyModelDefaults(params, first) : { ...params, modelKey: null };
}

export type ParamErrors = Partial<Record<keyof GenerateParams, string>>;

export function paramErrors(params: GenerateParams): ParamErrors {
  const errors: ParamErrors = {};
  if (!params.modelKey) errors.modelKey = "Pick a model";
  for (const side of ["width", "height"] as const) {
    const value = params[side];
    if (!isInt(value) || value < LIMITS.side.min || value > LIMITS.side.max) {
      errors[side] = `From ${LIMITS.side.min} to ${LIMITS.side.max}`;
    } else if (value % 8 !== 0) errors[side] = "A multiple of 8";
  }
  if (!isInt(params.steps) || params.steps < LIMITS.steps.min || params.steps > LIMITS.steps.max) {
    errors.steps = `From ${LIMITS.steps.min} to ${LIMITS.steps.max}`;
  }
  if (!isNum(params.cfgScale) || params.cfgScale < LIMITS.cfgScale.min || params.cfgScale > LIMITS.cfgScale.max) {
    errors.cfgScale = `From ${LIMITS.cfgScale.min} to ${LIMITS.cfgScale.max}`;
  }
  if (!params.randomSeed && (!isInt(params.seed) || params.seed < 0 || params.seed > SEED_MAX)) {
    errors.seed = `From 0 to ${SEED_MAX}`;
  }
  if (!isInt(params.runs) || params.runs < LIMITS.runs.min || params.runs > LIMITS.runs.max) {
    errors.runs = `From ${LIMITS.runs.min} to ${LIMITS.runs.max}`;
  }
  if (params.prompt.length > LIMITS.prompt.max) errors.prompt = `At most ${LIMITS.prompt.max} characters`;
  if (params.negativePrompt.length > LIMITS.prompt.max) errors.negativePrompt = `At most ${LIMITS.prompt.max} characters`;
  if (params.mode !== "txt2img" && !params.initImage) errors.initImage = "Choose an image to start from";
  if (!isFraction(params.strength)) errors.strength = "From 0 to 1";
  if (params.loras.some((l) => !isNum(l.weight) || l.weight < LIMITS.loraWeight.min || l.weight > LIMITS.loraWeight.max)) {
    errors.loras = `Weights from ${LIMITS.loraWeight.min} to ${LIMITS.loraWeight.max}`;
  }
  const { refiner, control } = params;
  if (refiner.enabled) {
    if (!refiner.modelKey) errors.refiner = "Pick a refiner model";
    else if (!isInt(refiner.steps) || refiner.steps < LIMITS.steps.min || refiner.steps > LIMITS.steps.max) {
      errors.refiner = `Refiner steps from ${LIMITS.steps.min} to ${LIMITS.steps.max}`;
    } else if (!isFraction(refiner.start)) errors.refiner = "Refiner start from 0 to 1";
  }
  if (control.enabled) {
    if (!control.modelKey) errors.control = "Pick a ControlNet model";
    else if (!control.imageName) errors.control = "Choose a control image";
    else if (!isNum(control.weight) || control.weight < LIMITS.controlWeight.min || control.weight > LIMITS.controlWeight.max) {
      errors.control = `Weight from ${LIMITS.controlWeight.min} to ${LIMITS.controlWeight.max}`;
    } else if (!isFraction(control.begin) || !isFraction(control.end) || control.begin >= control.end) {
      errors.control = "Begin and end from 0 to 1, begin before end";
    }
  }
  return errors;
}

/** Parameters read back from storage: every field type-checked, anything odd → the default. */
export function restoreParams(stored: unknown): GenerateParams {
  if (!stored || typeof stored !== "object") return DEFAULT_PARAMS;
  const raw = stored as Record<string, unknown>;
  const pick = <K extends keyof GenerateParams>(key: K, ok: (value: unknown) => boolean): GenerateParams[K] =>
    ok(raw[key]) ? (raw[key] as GenerateParams[K]) : DEFAULT_PARAMS[key];
  return {
    modelKey: pick("modelKey", (v) => v === null || isString(v)),
    prompt: pick("prompt", isString),
    negativePrompt: pick("negativePrompt", isString),
    width: pick("width", isInt),
    height: pick("height", isInt),
    steps: pick("steps", isInt),
    cfgScale: pick("cfgScale", isNum),
    scheduler: pick("scheduler", isSchedulerName),
    seed: pick("seed", isInt),
    randomSeed: pick("randomSeed", (v) => typeof v === "boolean"),
    runs: pick("runs", isInt),
    mode: pick("mode", (v) => v === "txt2img" || v === "img2img" || v === "inpaint"),
    initImage: pick("initImage", (v) => v === null || isInitImage(v)),
    strength: pick("strength", isFraction),
    loras: pick("loras", (v) => Array.isArray(v) && v.every((l) => isRecord(l) && isString(l.key) && isNum(l.weight))),
    vaeKey: pick("vaeKey", (v) => v === null || isString(v)),
    refiner: restoreGroup(raw.refiner, DEFAULT_REFINER),
    control: restoreGroup(raw.control, DEFAULT_CONTROL),
  };
}

const isInitImage = (v: unknown): v is InitImageRef => isRecord(v) && isString(v.imageName) && isInt(v.width) && isInt(v.height);

/** A stored group of settings: each field kept when it has the default's type (or null where the
 * default is null and a string is stored). */
function restoreGroup<T extends RefinerParams | ControlParams>(stored: unknown, defaults: T): T {
  if (!isRecord(stored)) return defaults;
  const result: Record<string, unknown> = { ...defaults };
  for (const [key, fallback] of Object.entries(defaults)) {
    const value = stored[key];
    const ok =
      fallback === null ? value === null || isString(value) : typeof value === typeof fallback && (typeof value !== "number" || isNum(value));
    if (ok) result[key] = value;
  }
  return result as T;
}
