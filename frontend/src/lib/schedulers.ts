/** The server's scheduler names (gesso/models/schedulers.py, InvokeAI's names) with labels. The
 * Record type makes the compiler list every name the generated schema knows. */
import type { SchedulerName } from "./api-types";

const LABELS: Record<SchedulerName, string> = {
  euler: "Euler",
  euler_k: "Euler Karras",
  euler_a: "Euler Ancestral",
  dpmpp_2m: "DPM++ 2M",
  dpmpp_2m_k: "DPM++ 2M Karras",
  dpmpp_2m_sde: "DPM++ 2M SDE",
  dpmpp_2m_sde_k: "DPM++ 2M SDE Karras",
  dpmpp_3m: "DPM++ 3M",
  dpmpp_3m_k: "DPM++ 3M Karras",
  dpmpp_2s: "DPM++ 2S",
  dpmpp_2s_k: "DPM++ 2S Karras",
  ddim: "DDIM",
  ddpm: "DDPM",
  deis: "DEIS",
  deis_k: "DEIS Karras",
  heun: "Heun",
  heun_k: "Heun Karras",
  kdpm_2: "KDPM 2",
  kdpm_2_k: "KDPM 2 Karras",
  kdpm_2_a: "KDPM 2 Ancestral",
  kdpm_2_a_k: "KDPM 2 Ancestral Karras",
  lcm: "LCM",
  tcd: "TCD",
  lms: "LMS",
  lms_k: "LMS Karras",
  pndm: "PNDM",
  unipc: "UniPC",
  unipc_k: "UniPC Karras",
};

export const SCHEDULER_OPTIONS: readonly { value: SchedulerName; label: string }[] = Object.entries(LABELS).map(
  ([value, label]) => ({ value: value as SchedulerName, label }),
);

export function isSchedulerName(value: unknown): value is SchedulerName {
  return typeof value === "string" && Object.hasOwn(LABELS, value);
}
