import { MantineProvider } from "@mantine/core";
import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { ModelInstallJob } from "@/lib/api-types";
import { createQueryClient } from "@/lib/query-client";
import { InstallJobs } from "./install-jobs";

const MB = 1024 * 1024;

function job(overrides: Partial<ModelInstallJob> = {}): ModelInstallJob {
  return {
    id: 7,
    status: "downloading",
    inplace: false,
    config_in: {},
    source: { type: "hf", repo_id: "stabilityai/sdxl-turbo" },
    bytes: 0,
    total_bytes: 8 * MB,
    download_parts: [],
    ...overrides,
  };
}

function view(jobs: ModelInstallJob[], updatedAt: number) {
  return (
    <MantineProvider>
      <QueryClientProvider client={createQueryClient()}>
        <InstallJobs jobs={jobs} updatedAt={updatedAt} />
      </QueryClientProvider>
    </MantineProvider>
  );
}

describe("InstallJobs", () => {
  it("shows bytes, speed and a cancel button while downloading", () => {
    const { rerender } = render(view([job({ bytes: 1 * MB })], 1000));
    expect(screen.getByTestId("install-job-bytes").textContent).toBe("1.0 MB of 8.0 MB");
    rerender(view([job({ bytes: 3 * MB })], 2000));
    expect(screen.getByTestId("install-job-bytes").textContent).toBe("3.0 MB of 8.0 MB · 2.0 MB/s");
    expect(screen.getByTestId("install-job-progress").getAttribute("data-percent")).toBe("38");
    expect(screen.getByRole("button", { name: "Cancel stabilityai/sdxl-turbo" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Clear finished" })).toBeNull();
  });

  it("shows the reason of a failed job and offers to clear finished jobs", () => {
    render(view([job({ status: "error", error: "tester/x is a gated repository: a Hugging Face token is needed" })], 1));
    expect(screen.getByTestId("install-job-error").textContent).toMatch(/token is needed/);
    expect(screen.queryByRole("button", { name: /^Cancel/ })).toBeNull();
    expect(screen.getByRole("button", { name: "Clear finished" })).toBeTruthy();
  });

  it("names subfolder and file sources the way they were asked for", () => {
    render(view([job({ source: { type: "hf", repo_id: "o/n", subfolder: "vae" }, status: "waiting" })], 1));
    expect(screen.getByText("o/n::vae")).toBeTruthy();
  });
});
