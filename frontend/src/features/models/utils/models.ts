/** Pure helpers for the Models page: install sources, job states, the edit form and its PATCH. */
import type {
  MainModelDefaultSettings,
  ModelConfig,
  ModelInstallJob,
  ModelRecordChanges,
  SchedulerName,
} from "@/lib/api-types";
import { isSchedulerName } from "@/lib/schedulers";

export type SourceKind = "url" | "path" | "invalid";

/** The server accepts an http(s) URL or an absolute path on the server ("~" works too). */
export function sourceKind(source: string): SourceKind {
  const value = source.trim();
  if (/^https?:\/\/\S+$/i.test(value)) return "url";
  if (/^(\/|~|[A-Za-z]:[\\/])/.test(value)) return "path";
  return "invalid";
}

export function sourceError(source: string): string | null {
  if (!source.trim()) return "Enter a path on the server or a URL";
  if (sourceKind(source) === "invalid") return "Use an absolute path on the server (/…) or an http(s) URL";
  return null;
}

const ACTIVE: readonly ModelInstallJob["status"][] = ["waiting", "downloading", "downloads_done", "running"];

export function isJobActive(job: ModelInstallJob): boolean {
  return ACTIVE.includes(job.status);
}

export function hasActiveJob(jobs: readonly ModelInstallJob[]): boolean {
  return jobs.some(isJobActive);
}

export const JOB_STATUS: Record<ModelInstallJob["status"], { label: string; color: string }> = {
  waiting: { label: "Waiting", color: "gray" },
  downloading: { label: "Downloading", color: "blue" },
  downloads_done: { label: "Downloaded", color: "blue" },
  running: { label: "Installing", color: "blue" },
  completed: { label: "Installed", color: "teal" },
  error: { label: "Failed", color: "red" },
  cancelled: { label: "Cancelled", color: "gray" },
};

/** 0..100 while a download's size is known; null when progress cannot be measured. */
export function jobPercent(job: ModelInstallJob): number | null {
  if (job.status === "completed") return 100;
  if (job.status === "downloading" && job.total_bytes > 0) {
    return Math.min(100, Math.round((job.bytes / job.total_bytes) * 100));
  }
  return null;
}

export function jobSource(job: ModelInstallJob): string {
  const source = job.source;
  if (source.type === "hf") return source.subfolder ? `${source.repo_id}::${source.subfolder}` : source.repo_id;
  return source.type === "url" ? source.url : source.path;
}

/** Newest first. */
export function sortJobs(jobs: readonly ModelInstallJob[]): ModelInstallJob[] {
  return [...jobs].sort((a, b) => b.id - a.id);
}

const TYPE_ORDER: Record<string, number> = { main: 0, vae: 1, lora: 2, controlnet: 3, spandrel_image_to_image: 4 };

/** Main models first, then VAEs and LoRAs; by name within a type. */
export function sortModels(models: readonly ModelConfig[]): ModelConfig[] {
  return [...models].sort(
    (a, b) => (TYPE_ORDER[a.type] ?? 9) - (TYPE_ORDER[b.type] ?? 9) || a.name.localeCompare(b.name),
  );
}

export const BASE_LABELS: Record<string, string> = {
  "sd-1": "SD 1.x",
  "sd-2": "SD 2.x",
  sdxl: "SDXL",
  "sdxl-refiner": "SDXL Refiner",
  any: "Any",
};

export const TYPE_LABELS: Record<string, string> = {
  main: "Main",
  vae: "VAE",
  lora: "LoRA",
  controlnet: "ControlNet",
  spandrel_image_to_image: "Upscaler",
};

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

// -- edit form -------------------------------------------------------------------------------

/** The edit form; numbers are "" when the model has no default for them. */
export interface ModelForm {
  name: string;
  description: string;
  width: number | "";
  height: number | "";
  steps: number | "";
  cfgScale: number | "";
  scheduler: SchedulerName | null;
  /** Who may use it (SPEC §17): everyone, or administrators plus the listed users and groups. */
  access: "everyone" | "restricted";
  allowedUserIds: string[];
  allowedGroupIds: string[];
}

const SETTING_KEYS: readonly (keyof MainModelDefaultSettings)[] = [
  "vae",
  "vae_precision",
  "scheduler",
  "steps",
  "cfg_scale",
  "cfg_rescale_multiplier",
  "width",
  "height",
  "guidance",
];

function numberOrEmpty(value: unknown): number | "" {
  return typeof value === "number" && Number.isFinite(value) ? value : "";
}

export function modelForm(model: ModelConfig): ModelForm {
  const settings = model.default_settings ?? {};
  return {
    name: model.name,
    description: model.description ?? "",
    width: numberOrEmpty(settings.width),
    height: numberOrEmpty(settings.height),
    steps: numberOrEmpty(settings.steps),
    cfgScale: numberOrEmpty(settings.cfg_scale),
    scheduler: isSchedulerName(settings.scheduler) ? settings.scheduler : null,
    access: model.access ?? "everyone",
    allowedUserIds: [...(model.allowed_user_ids ?? [])],
    allowedGroupIds: [...(model.allowed_group_ids ?? [])],
  };
}

const sameIds = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().every((id, i) => id === [...b].sort()[i]);

/** The form's problems by field (the server checks again). */
export function modelFormErrors(form: ModelForm): Partial<Record<keyof ModelForm, string>> {
  const errors: Partial<Record<keyof ModelForm, string>> = {};
  if (!form.name.trim()) errors.name = "Enter a name";
  for (const side of ["width", "height"] as const) {
    const value = form[side];
    if (value !== "" && (value < 64 || value > 8192 || value % 8 !== 0)) {
      errors[side] = "A multiple of 8 from 64 to 8192";
    }
  }
  if (form.steps !== "" && (form.steps < 1 || form.steps > 500)) errors.steps = "From 1 to 500";
  if (form.cfgScale !== "" && (form.cfgScale < 1 || form.cfgScale > 50)) errors.cfgScale = "From 1 to 50";
  return errors;
}

/** The PATCH body: name and description, and for main models the default settings merged over
 * the stored ones (a cleared field becomes null; settings the form does not show are kept). */
export function modelChanges(model: ModelConfig, form: ModelForm): ModelRecordChanges {
  const changes: ModelRecordChanges = {
    name: form.name.trim(),
    description: form.description.trim() || null,
  };
  // Access fields only when changed, so an edit never rewrites the allowed lists by accident.
  if (form.access !== (model.access ?? "everyone")) changes.access = form.access;
  if (!sameIds(form.allowedUserIds, model.allowed_user_ids ?? [])) changes.allowed_user_ids = form.allowedUserIds;
  if (!sameIds(form.allowedGroupIds, model.allowed_group_ids ?? [])) changes.allowed_group_ids = form.allowedGroupIds;
  if (model.type !== "main") return changes;
  const stored = model.default_settings ?? {};
  const kept: MainModelDefaultSettings = {};
  for (const key of SETTING_KEYS) {
    if (key in stored) (kept as Record<string, unknown>)[key] = stored[key];
  }
  const orNull = (value: number | "") => (value === "" ? null : value);
  changes.default_settings = {
    ...kept,
    width: orNull(form.width),
    height: orNull(form.height),
    steps: orNull(form.steps),
    cfg_scale: orNull(form.cfgScale),
    scheduler: form.scheduler,
  };
  return changes;
}
