/** Turns an image's generation metadata (InvokeAI's field names) into labelled rows. */

export interface MetadataRow {
  key: string;
  label: string;
  value: string;
  /** Long text (prompts) gets its own block. */
  long?: boolean;
}

const KNOWN: [key: string, label: string][] = [
  ["positive_prompt", "Prompt"],
  ["negative_prompt", "Negative prompt"],
  ["model", "Model"],
  ["generation_mode", "Mode"],
  ["width", "Width"],
  ["height", "Height"],
  ["seed", "Seed"],
  ["steps", "Steps"],
  ["cfg_scale", "CFG scale"],
  ["scheduler", "Scheduler"],
  ["denoising_strength", "Denoising strength"],
];

function modelName(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (value && typeof value === "object") {
    for (const key of ["name", "model_name", "key"] as const) {
      const name = (value as Record<string, unknown>)[key];
      if (typeof name === "string" && name) return name;
    }
  }
  return null;
}

function scalar(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return null;
}

function humanize(key: string): string {
  const text = key.replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function metadataRows(metadata: Record<string, unknown> | null | undefined): MetadataRow[] {
  if (!metadata) return [];
  const rows: MetadataRow[] = [];
  const used = new Set<string>();
  for (const [key, label] of KNOWN) {
    if (!(key in metadata)) continue;
    used.add(key);
    const value = key === "model" ? modelName(metadata[key]) : scalar(metadata[key]);
    if (value !== null && value !== "") rows.push({ key, label, value, long: key.endsWith("prompt") });
  }
  for (const [key, raw] of Object.entries(metadata)) {
    if (used.has(key)) continue;
    const value = scalar(raw);
    if (value !== null && value !== "") rows.push({ key, label: humanize(key), value });
  }
  return rows;
}

/** Whether there is anything a Generate panel could reuse. */
export function hasRecallableParameters(metadata: Record<string, unknown> | null | undefined): boolean {
  return !!metadata && Object.keys(metadata).length > 0;
}
