import type { WorkerDTO, WorkerState } from "../../../lib/api-types";

export const WORKER_STATES: Record<WorkerState, { label: string; color: string }> = {
  idle: { label: "Idle", color: "gray" },
  busy: { label: "Working", color: "blue" },
  paused: { label: "Paused", color: "orange" },
  stopping: { label: "Stopping", color: "yellow" },
  stopped: { label: "Stopped", color: "gray" },
  lost: { label: "Lost", color: "red" },
};

/** "just now", "12 s ago", "3 min ago", "2 h ago". */
export function heartbeatAge(lastHeartbeat: string, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - new Date(lastHeartbeat).getTime()) / 1000));
  if (seconds < 3) return "just now";
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

/** Live workers first (busy, then idle, paused, stopping), then stopped and lost ones; by name. */
export function sortWorkers(workers: WorkerDTO[]): WorkerDTO[] {
  const order: WorkerState[] = ["busy", "idle", "paused", "stopping", "lost", "stopped"];
  return [...workers].sort(
    (a, b) => order.indexOf(a.state) - order.indexOf(b.state) || a.name.localeCompare(b.name),
  );
}

/** Where the worker runs: "in this server" or "host (pid 123)". */
export function workerPlace(worker: WorkerDTO): string {
  return worker.in_process ? `inside the server on ${worker.hostname}` : `${worker.hostname} (pid ${worker.pid})`;
}
