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
}

export const SEED_MAX = 2 ** 32 - 1;

export const LIMITS = {
  side: { min: 64, max: 4096, step: 8 },
  steps: { min: 1, max: 200 },
  cfgScale: { min: 1, max: 200 },
  runs: { min: 1, max: 100 },
  prompt: { max: 10_000 },
} as const;

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
};

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** The nearest allowed side: a multiple of 8 within the node's limits. */
export function snapSide(value: number): number {
  if (!Number.isFinite(value)) return DEFAULT_PARAMS.width;
  return clamp(Math.round(value / 8) * 8, LIMITS.side.min, LIMITS.side.max);
}

const isInt = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value);
const isNum = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

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
  return errors;
}

/** Parameters read back from storage: every field type-checked, anything odd → the default. */
export function restoreParams(stored: unknown): GenerateParams {
  if (!stored || typeof stored !== "object") return DEFAULT_PARAMS;
  const raw = stored as Record<string, unknown>;
  const pick = <K extends keyof GenerateParams>(key: K, ok: (value: unknown) => boolean): GenerateParams[K] =>
    ok(raw[key]) ? (raw[key] as GenerateParams[K]) : DEFAULT_PARAMS[key];
  const isString = (v: unknown) => typeof v === "string";
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
  };
}
