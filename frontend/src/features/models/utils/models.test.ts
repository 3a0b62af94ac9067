import { describe, expect, it } from "vitest";
import type { ModelConfig, ModelInstallJob } from "@/lib/api-types";
import { makeModel } from "@/testing/fixtures";
import {
  formatBytes,
  hasActiveJob,
  jobPercent,
  modelChanges,
  modelForm,
  modelFormErrors,
  sortModels,
  sourceError,
  sourceKind,
} from "./models";

const model = (overrides: Partial<ModelConfig> = {}) => makeModel({ name: "Tiny", ...overrides });

function job(overrides: Partial<ModelInstallJob> = {}): ModelInstallJob {
  return {
    id: 1,
    status: "running",
    inplace: false,
    config_in: {},
    source: { type: "local", path: "/models/tiny-sd", inplace: false },
    bytes: 0,
    total_bytes: 0,
    download_parts: [],
    ...overrides,
  };
}

describe("install sources", () => {
  it("tells server paths from URLs and refuses anything else", () => {
    expect(sourceKind("/srv/models/sd15")).toBe("path");
    expect(sourceKind("~/models/x.safetensors")).toBe("path");
    expect(sourceKind("C:\\models\\x.safetensors")).toBe("path");
    expect(sourceKind("https://example.com/x.safetensors")).toBe("url");
    expect(sourceKind("models/relative")).toBe("invalid");
    expect(sourceError("")).toMatch(/Enter/);
    expect(sourceError("relative/path")).toMatch(/absolute path/);
    expect(sourceError(" /abs ")).toBeNull();
  });
});

describe("install jobs", () => {
  it("polls while a job is waiting, downloading or running", () => {
    expect(hasActiveJob([job({ status: "completed" }), job({ status: "waiting" })])).toBe(true);
    expect(hasActiveJob([job({ status: "completed" }), job({ status: "error" })])).toBe(false);
  });

  it("measures downloads whose size is known", () => {
    expect(jobPercent(job({ status: "downloading", bytes: 25, total_bytes: 100 }))).toBe(25);
    expect(jobPercent(job({ status: "downloading", bytes: 25, total_bytes: 0 }))).toBeNull();
    expect(jobPercent(job({ status: "running" }))).toBeNull();
    expect(jobPercent(job({ status: "completed" }))).toBe(100);
  });
});

describe("model edits", () => {
  it("fills the form from the stored defaults", () => {
    const form = modelForm(model({ default_settings: { steps: 30, scheduler: "euler_a", width: 768 } }));
    expect(form).toMatchObject({ steps: 30, scheduler: "euler_a", width: 768, height: "", cfgScale: "" });
  });

  it("merges default settings, keeps the ones the form does not show and clears emptied ones", () => {
    const stored = model({ default_settings: { vae: "v1", steps: 30, cfg_scale: 7 } });
    const form = { ...modelForm(stored), name: " Renamed ", description: "  ", steps: 12 as const, cfgScale: "" as const };
    expect(modelChanges(stored, form)).toEqual({
      name: "Renamed",
      description: null,
      default_settings: { vae: "v1", steps: 12, cfg_scale: null, width: null, height: null, scheduler: null },
    });
  });

  it("sends no default settings for VAEs and LoRAs", () => {
    const vae = model({ type: "vae" });
    expect(modelChanges(vae, modelForm(vae))).toEqual({ name: "Tiny", description: null });
  });

  it("sends access changes only when they differ from what is stored", () => {
    const vae = model({ type: "vae", access: "restricted", allowed_user_ids: ["u1", "u2"], allowed_group_ids: [] });
    expect(modelChanges(vae, { ...modelForm(vae), allowedUserIds: ["u2", "u1"] })).toEqual({ name: "Tiny", description: null });
    expect(modelChanges(vae, { ...modelForm(vae), access: "everyone", allowedGroupIds: ["g1"] })).toEqual({
      name: "Tiny",
      description: null,
      access: "everyone",
      allowed_group_ids: ["g1"],
    });
  });

  it("checks sizes, steps and CFG the way the server does", () => {
    const errors = modelFormErrors({ ...modelForm(model()), name: " ", width: 100, steps: 0, cfgScale: 60 });
    expect(Object.keys(errors).sort()).toEqual(["cfgScale", "name", "steps", "width"]);
    expect(modelFormErrors(modelForm(model()))).toEqual({});
  });
});

describe("listing", () => {
  it("shows main models first, then by name", () => {
    const sorted = sortModels([model({ name: "b", type: "lora" }), model({ name: "z" }), model({ name: "a" })]);
    expect(sorted.map((m) => m.name)).toEqual(["a", "z", "b"]);
  });

  it("formats sizes", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(2048)).toBe("2.0 KB");
    expect(formatBytes(2.5 * 1024 ** 3)).toBe("2.5 GB");
  });
});
