/** Pure helpers for installing from Hugging Face: repo id checks (the server checks again),
 * transfer speed, starter model states and the token's status. */
import type { ModelInstallJob, StarterModel } from "@/lib/api-types";
import { jobSource } from "./models";

const NAME_PART = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?$/;
const VARIANTS = ["fp16", "fp32", "bf16"];
const HUB_URL = /^https?:\/\/(www\.)?(huggingface\.co|hf\.co)\/[^/\s]+\/[^/\s]+/i;

/** What is wrong with a repo id typed into the "Install from Hugging Face" field, or null. */
export function repoIdError(text: string): string | null {
  const value = text.trim();
  if (!value) return "Enter a repo id such as stabilityai/sdxl-turbo";
  if (HUB_URL.test(value)) return null;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return "Use a huggingface.co link or owner/name";
  const [repo = "", ...rest] = value.split(":");
  const parts = repo.split("/");
  if (parts.length !== 2 || !parts.every((part) => NAME_PART.test(part))) {
    return "A repo id is owner/name (letters, digits, '-', '_' and '.')";
  }
  if (parts.some((part) => part.includes("--") || part.includes(".."))) return "'--' and '..' are not allowed";
  const [first = "", second] = rest;
  if (rest.length > 2 || (second !== undefined && first !== "" && !VARIANTS.includes(first))) {
    return "Use owner/name:subfolder or owner/name::path/file.safetensors";
  }
  if (second === "") return "Name a subfolder or file after the colons";
  const path = second ?? (VARIANTS.includes(first) ? "" : first);
  if (path && path.replace(/^\//, "").split("/").some((part) => part === "" || part === "." || part === "..")) {
    return "The path must stay inside the repo";
  }
  return null;
}

export interface SpeedSample {
  bytes: number;
  at: number; // milliseconds
  bytesPerSecond: number | null;
}

const MIN_INTERVAL_MS = 250;

/** The next transfer-speed estimate for one job: bytes per second over the time since the last
 * sample, smoothed with the previous estimate; null until two samples are far enough apart. */
export function nextSpeed(previous: SpeedSample | undefined, bytes: number, now: number): SpeedSample {
  if (!previous || bytes < previous.bytes) return { bytes, at: now, bytesPerSecond: null };
  const elapsed = now - previous.at;
  if (elapsed < MIN_INTERVAL_MS) return previous;
  const instant = ((bytes - previous.bytes) * 1000) / elapsed;
  const smoothed = previous.bytesPerSecond === null ? instant : 0.5 * previous.bytesPerSecond + 0.5 * instant;
  return { bytes, at: now, bytesPerSecond: smoothed };
}

/** Speed samples for the jobs that are downloading; others are dropped. */
export function nextSpeeds(
  previous: Readonly<Record<number, SpeedSample>>,
  jobs: readonly ModelInstallJob[],
  now: number,
): Record<number, SpeedSample> {
  const next: Record<number, SpeedSample> = {};
  for (const job of jobs) {
    if (job.status === "downloading") next[job.id] = nextSpeed(previous[job.id], job.bytes, now);
  }
  return next;
}

export type StarterState = "installed" | "installing" | "available";

const ACTIVE = new Set(["waiting", "downloading", "downloads_done", "running"]);

export function starterState(model: StarterModel, jobs: readonly ModelInstallJob[]): StarterState {
  if (model.is_installed) return "installed";
  const busy = jobs.some((job) => ACTIVE.has(job.status) && jobSource(job) === model.source);
  return busy ? "installing" : "available";
}

/** Starter models grouped by base model, in the catalogue's order. */
export function groupStarters(models: readonly StarterModel[]): [string, StarterModel[]][] {
  const groups = new Map<string, StarterModel[]>();
  for (const model of models) groups.set(model.base, [...(groups.get(model.base) ?? []), model]);
  return [...groups.entries()];
}

export const TOKEN_STATUS: Record<string, { label: string; color: string }> = {
  valid: { label: "Token set", color: "teal" },
  invalid: { label: "No valid token", color: "gray" },
  unknown: { label: "Token set (not checked: hub unreachable)", color: "yellow" },
};
