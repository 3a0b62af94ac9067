import { describe, expect, it } from "vitest";
import type { WorkerDTO } from "../../../lib/api-types";
import { heartbeatAge, sortWorkers, workerPlace } from "./workers";

function worker(overrides: Partial<WorkerDTO>): WorkerDTO {
  return {
    worker_id: "w",
    name: "gpu0",
    device: "cuda:0",
    state: "idle",
    current_item_id: null,
    loaded_models: [],
    loaded_model_names: [],
    hostname: "box",
    pid: 42,
    in_process: false,
    started_at: "2026-01-01T00:00:00Z",
    last_heartbeat: "2026-01-01T00:00:00Z",
    ...overrides,
  };
}

describe("workers", () => {
  it("says how long ago a worker beat", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(heartbeatAge("2026-01-01T00:00:00Z", now)).toBe("just now");
    expect(heartbeatAge("2025-12-31T23:59:48Z", now)).toBe("12 s ago");
    expect(heartbeatAge("2025-12-31T23:57:00Z", now)).toBe("3 min ago");
    expect(heartbeatAge("2025-12-31T22:00:00Z", now)).toBe("2 h ago");
  });

  it("lists working workers first and lost or stopped ones last", () => {
    const sorted = sortWorkers([
      worker({ name: "b", state: "lost" }),
      worker({ name: "c", state: "idle" }),
      worker({ name: "a", state: "busy" }),
      worker({ name: "d", state: "stopped" }),
    ]);
    expect(sorted.map((w) => w.name)).toEqual(["a", "c", "b", "d"]);
  });

  it("tells the server's own worker from separate processes", () => {
    expect(workerPlace(worker({ in_process: true }))).toBe("inside the server on box");
    expect(workerPlace(worker({}))).toBe("box (pid 42)");
  });
});
