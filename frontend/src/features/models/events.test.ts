import { describe, expect, it } from "vitest";
import { modelsKey } from "@/lib/query-keys";
import { installJobsKey } from "./api/list-install-jobs";
import { modelsInvalidations } from "./events";

describe("modelsInvalidations", () => {
  it("refreshes every model list (jobs included) when an install completes", () => {
    expect(modelsInvalidations("model_install_complete")).toEqual([modelsKey]);
    expect(installJobsKey.slice(0, modelsKey.length)).toEqual([...modelsKey]);
  });

  it("refreshes only the job list while a job runs or after it fails", () => {
    for (const name of ["model_install_started", "model_install_download_progress", "model_install_error"]) {
      expect(modelsInvalidations(name)).toEqual([installJobsKey]);
    }
  });

  it("ignores everything else", () => {
    expect(modelsInvalidations("queue_item_status_changed")).toEqual([]);
  });
});
