/** "Use these parameters": an image's metadata (InvokeAI's names: positive_prompt, seed,
 * model {key, name, base}, …) applied over the current parameters. A recalled seed is fixed. */
import type { ModelConfig } from "@/lib/api-types";
import { isSchedulerName } from "@/lib/schedulers";
import { LIMITS, SEED_MAX, snapSide, type GenerateParams, type LoraRef } from "./params";

export interface RecallOutcome {
  params: GenerateParams;
  /** How many parameters were taken over. */
  applied: number;
  /** The recalled model's name when it is not installed (the current model stays). */
  missingModel: string | null;
  /** LoRAs in the metadata that are not installed (left out). */
  missingLoras: number;
}

/** The stored client-state value (a JSON string of the metadata) → an object, or null. */
export function parseRecallValue(value: string | null | undefined): Record<string, unknown> | null {
  if (!value) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function findModel(value: unknown, models: readonly ModelConfig[]): { model: ModelConfig | null; label: string | null } {
  if (typeof value === "string") {
    return { model: models.find((m) => m.key === value || m.name === value) ?? null, label: value };
  }
  if (!value || typeof value !== "object") return { model: null, label: null };
  const { key, name, base } = value as Record<string, unknown>;
  const byKey = models.find((m) => m.key === key);
  const byName = models.find((m) => m.name === name && (base === undefined || m.base === base));
  const label = typeof name === "string" ? name : typeof key === "string" ? key : null;
  return { model: byKey ?? byName ?? null, label };
}

const int = (value: unknown, min: number, max: number) =>
  typeof value === "number" && Number.isInteger(value) && value >= min && value <= max ? value : null;

/** What the viewer's Recall menu can take over: everything, or one group. */
export type RecallPart = "all" | "prompt" | "seed" | "size" | "model" | "loras";

/** The LoRAs in the metadata that are installed (by key, else name and base), with their weights. */
function recalledLoras(value: unknown, models: readonly ModelConfig[]): { loras: LoraRef[]; missing: number } {
  if (!Array.isArray(value)) return { loras: [], missing: 0 };
  const loras: LoraRef[] = [];
  let missing = 0;
  for (const entry of value) {
    const record = entry && typeof entry === "object" ? (entry as Record<string, unknown>) : {};
    const { model } = findModel(record.model ?? record.lora, models.filter((m) => m.type === "lora"));
    const weight = typeof record.weight === "number" && Number.isFinite(record.weight) ? record.weight : 1;
    if (model && !loras.some((l) => l.key === model.key)) loras.push({ key: model.key, weight });
    else if (!model) missing += 1;
  }
  return { loras, missing };
}

export function applyRecall(
  params: GenerateParams,
  metadata: Record<string, unknown>,
  models: readonly ModelConfig[],
  part: RecallPart = "all",
): RecallOutcome {
  const wants = (p: RecallPart) => part === "all" || part === p;
  const next = { ...params };
  let applied = 0;
  const take = <K extends keyof GenerateParams>(key: K, value: GenerateParams[K] | null) => {
    if (value === null) return;
    next[key] = value;
    applied += 1;
  };

  let missingModel: string | null = null;
  if (wants("model") && "model" in metadata) {
    const { model, label } = findModel(metadata.model, models);
    if (model) take("modelKey", model.key);
    else missingModel = label;
  }
  if (wants("prompt")) {
    take("prompt", typeof metadata.positive_prompt === "string" ? metadata.positive_prompt : null);
    take("negativePrompt", typeof metadata.negative_prompt === "string" ? metadata.negative_prompt : null);
  }
  if (wants("size")) {
    const width = int(metadata.width, 1, 1 << 16);
    const height = int(metadata.height, 1, 1 << 16);
    take("width", width === null ? null : snapSide(width));
    take("height", height === null ? null : snapSide(height));
  }
  if (part === "all") {
    take("steps", int(metadata.steps, LIMITS.steps.min, LIMITS.steps.max));
    const cfg = metadata.cfg_scale;
    take("cfgScale", typeof cfg === "number" && cfg >= LIMITS.cfgScale.min && cfg <= LIMITS.cfgScale.max ? cfg : null);
    take("scheduler", isSchedulerName(metadata.scheduler) ? metadata.scheduler : null);
    const vae = metadata.vae ? findModel(metadata.vae, models.filter((m) => m.type === "vae")).model : null;
    if (vae) take("vaeKey", vae.key);
  }
  if (wants("seed")) {
    const seed = int(metadata.seed, 0, SEED_MAX);
    if (seed !== null) {
      take("seed", seed);
      next.randomSeed = false;
    }
  }
  let missingLoras = 0;
  if (wants("loras") && (part === "loras" || "loras" in metadata)) {
    const { loras, missing } = recalledLoras(metadata.loras, models);
    take("loras", loras);
    missingLoras = missing;
  }
  return { params: next, applied, missingModel, missingLoras };
}
