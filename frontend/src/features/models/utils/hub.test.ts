import { describe, expect, it } from "vitest";
import type { ModelInstallJob, StarterModel } from "@/lib/api-types";
import { groupStarters, nextSpeed, nextSpeeds, repoIdError, starterState } from "./hub";

function job(overrides: Partial<ModelInstallJob> = {}): ModelInstallJob {
  return {
    id: 1,
    status: "downloading",
    inplace: false,
    config_in: {},
    source: { type: "hf", repo_id: "owner/name" },
    bytes: 0,
    total_bytes: 100,
    download_parts: [],
    ...overrides,
  };
}

function starter(overrides: Partial<StarterModel> = {}): StarterModel {
  return {
    name: "SDXL Turbo",
    source: "stabilityai/sdxl-turbo",
    description: "Fast",
    base: "sdxl",
    type: "main",
    is_installed: false,
    previous_names: [],
    ...overrides,
  };
}

describe("repoIdError", () => {
  it("accepts InvokeAI's repo forms and huggingface.co links", () => {
    for (const ok of [
      "stabilityai/sdxl-turbo",
      " owner/name ",
      "owner/name:fp16",
      "owner/name:vae",
      "owner/name::vae",
      "owner/name:fp16:vae",
      "owner/name::dir/model.safetensors",
      "Owner.Org/Model_v1.5",
      "https://huggingface.co/owner/name",
      "https://hf.co/owner/name/resolve/main/x.safetensors",
    ]) {
      expect(repoIdError(ok), ok).toBeNull();
    }
  });

  it("names what is wrong with anything else", () => {
    expect(repoIdError("")).toMatch(/Enter a repo id/);
    expect(repoIdError("just-a-name")).toMatch(/owner\/name/);
    expect(repoIdError("a/b/c")).toMatch(/owner\/name/);
    expect(repoIdError("owner/na me")).toMatch(/owner\/name/);
    expect(repoIdError("-owner/name")).toMatch(/owner\/name/);
    expect(repoIdError("owner/a--b")).toMatch(/not allowed/);
    expect(repoIdError("owner/name:vae:unet")).toMatch(/subfolder/);
    expect(repoIdError("owner/name::")).toMatch(/Name a subfolder/);
    expect(repoIdError("owner/name::../etc/passwd")).toMatch(/inside the repo/);
    expect(repoIdError("owner/name::a//b")).toMatch(/inside the repo/);
    expect(repoIdError("ftp://example.com/x")).toMatch(/huggingface\.co link/);
  });
});

describe("transfer speed", () => {
  it("needs two samples a quarter second apart, then smooths", () => {
    const first = nextSpeed(undefined, 0, 1000);
    expect(first.bytesPerSecond).toBeNull();
    expect(nextSpeed(first, 10, 1100)).toBe(first); // too soon: keep the last estimate
    const second = nextSpeed(first, 1_000_000, 2000);
    expect(second.bytesPerSecond).toBe(1_000_000);
    const third = nextSpeed(second, 4_000_000, 3000);
    expect(third.bytesPerSecond).toBe(2_000_000); // half the old, half the new
  });

  it("starts over when the bytes go back (a new file or a restart)", () => {
    const sample = nextSpeed({ bytes: 500, at: 0, bytesPerSecond: 100 }, 10, 1000);
    expect(sample).toEqual({ bytes: 10, at: 1000, bytesPerSecond: null });
  });

  it("tracks downloading jobs only", () => {
    const jobs = [job({ id: 1, bytes: 50 }), job({ id: 2, status: "running", bytes: 100 })];
    const speeds = nextSpeeds({ 1: { bytes: 0, at: 0, bytesPerSecond: null }, 3: { bytes: 0, at: 0, bytesPerSecond: 1 } }, jobs, 500);
    expect(Object.keys(speeds)).toEqual(["1"]);
    expect(speeds[1]?.bytesPerSecond).toBe(100);
  });
});

describe("starter models", () => {
  it("are installed, being installed (a job for their source is running) or available", () => {
    expect(starterState(starter({ is_installed: true }), [])).toBe("installed");
    expect(starterState(starter(), [job({ source: { type: "hf", repo_id: "stabilityai/sdxl-turbo" } })])).toBe("installing");
    expect(starterState(starter(), [job({ status: "error", source: { type: "hf", repo_id: "stabilityai/sdxl-turbo" } })])).toBe(
      "available",
    );
    const file = starter({ source: "Org/repo::x.safetensors" });
    expect(starterState(file, [job({ source: { type: "hf", repo_id: "Org/repo", subfolder: "x.safetensors" } })])).toBe(
      "installing",
    );
  });

  it("are grouped by base model in catalogue order", () => {
    const groups = groupStarters([starter({ base: "sd-1", name: "a" }), starter({ name: "b" }), starter({ base: "sd-1", name: "c" })]);
    expect(groups.map(([base, models]) => [base, models.map((m) => m.name)])).toEqual([
      ["sd-1", ["a", "c"]],
      ["sdxl", ["b"]],
    ]);
  });
});
