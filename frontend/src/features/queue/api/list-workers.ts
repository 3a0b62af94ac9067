import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "../../../lib/api-client";
import type { WorkerDTO } from "../../../lib/api-types";
import { queueKey } from "./list-queue-items";

/** How often the Workers panel re-reads heartbeats (workers beat every few seconds). */
export const WORKERS_POLL_MS = 5_000;

/** Every worker process with its device, state, current item and loaded models (administrators). */
export function listWorkers(signal?: AbortSignal): Promise<WorkerDTO[]> {
  return apiRequest<WorkerDTO[]>("api/v1/workers", { signal });
}

export const workersQueryOptions = () =>
  queryOptions({
    queryKey: [...queueKey, "workers"] as const,
    queryFn: ({ signal }) => listWorkers(signal),
    refetchInterval: WORKERS_POLL_MS,
  });

export function useWorkers() {
  return useQuery(workersQueryOptions());
}
