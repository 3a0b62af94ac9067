/** Model install events (administrators' sockets only): job progress refreshes the job list,
 * a finished install refreshes every model list (the Models page and the Generate picker). */
import type { QueryKey } from "@tanstack/react-query";
import { modelsKey } from "@/lib/query-keys";
import { installJobsKey } from "./api/list-install-jobs";

export function modelsInvalidations(name: string): readonly QueryKey[] {
  if (name === "model_install_complete") return [modelsKey];
  if (name.startsWith("model_install_")) return [installJobsKey];
  return [];
}
