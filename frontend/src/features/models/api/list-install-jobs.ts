import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { ModelInstallJob } from "@/lib/api-types";
import { modelsKey } from "@/lib/query-keys";
import { hasActiveJob } from "../utils/models";

export const installJobsKey = [...modelsKey, "install-jobs"] as const;
const POLL_MS = 1000;

/** This server's install jobs since it started (administrators only). */
export function listInstallJobs(signal?: AbortSignal): Promise<ModelInstallJob[]> {
  return apiRequest<ModelInstallJob[]>("api/v2/models/install", { signal });
}

/** Polled every second while a job is running, so progress shows even without socket events. */
export const installJobsQueryOptions = () =>
  queryOptions({
    queryKey: installJobsKey,
    queryFn: ({ signal }) => listInstallJobs(signal),
    staleTime: 0,
    refetchInterval: (query) => (hasActiveJob(query.state.data ?? []) ? POLL_MS : false),
  });

export function useInstallJobs(enabled: boolean) {
  return useQuery({ ...installJobsQueryOptions(), enabled });
}
