/** "Use these parameters": an image's metadata (InvokeAI's names: positive_prompt, seed,
 * model {key, name, base}, …) applied over the current parameters. A recalled seed is fixed. */
import type { ModelConfig } from "@/lib/api-types";
import { isSchedulerName } from "@/lib/schedulers";
import { LIMITS, SEED_MAX, snapSide, type GenerateParams } from "./params";

export interface RecallOutcome {
  params: GenerateParams;
  /** How many parameters were taken over. */
  applied: number;
  /** The recalled model's name when it is not installed (the current model stays). */
  missingModel: string | null;
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

export function applyRecall(
  params: GenerateParams,
  metadata: Record<string, unknown>,
  models: readonly ModelConfig[],
): RecallOutcome {
  const next = { ...params };
  let applied = 0;
  const take = <K extends keyof GenerateParams>(key: K, value: GenerateParams[K] | null) => {
    if (value === null) return;
    next[key] = value;
    applied += 1;
  };

  let missingModel: string | null = null;
  if ("model" in metadata) {
    const { model, label } = findModel(metadata.model, models);
    if (model) take("modelKey", model.key);
    else missingModel = label;
  }
  take("prompt", typeof metadata.positive_prompt === "string" ? metadata.positive_prompt : null);
  take("negativePrompt", typeof metadata.negative_prompt === "string" ? metadata.negative_prompt : null);
  const width = int(metadata.width, 1, 1 << 16);
  const height = int(metadata.height, 1, 1 << 16);
  take("width", width === null ? null : snapSide(width));
  take("height", height === null ? null : snapSide(height));
  take("steps", int(metadata.steps, LIMITS.steps.min, LIMITS.steps.max));
  const cfg = metadata.cfg_scale;
  take("cfgScale", typeof cfg === "number" && cfg >= LIMITS.cfgScale.min && cfg <= LIMITS.cfgScale.max ? cfg : null);
  take("scheduler", isSchedulerName(metadata.scheduler) ? metadata.scheduler : null);
  const seed = int(metadata.seed, 0, SEED_MAX);
  if (seed !== null) {
    take("seed", seed);
    next.randomSeed = false;
  }
  return { params: next, applied, missingModel };
}
