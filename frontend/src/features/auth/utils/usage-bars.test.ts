import { describe, expect, it } from "vitest";
import type { UsageDTO } from "@/lib/api-types";
import { imageLimits, usageBars } from "./usage-bars";

const usage = (limits: Partial<UsageDTO["limits"]>): UsageDTO => ({
  limits: {
    max_pending_items: null,
    max_items_per_day: null,
    max_storage_mb: null,
    max_pixels_per_image: null,
    max_steps: null,
    queue_weight: 1,
    ...limits,
  },
  used: { pending_items: 3, items_today: 12, storage_mb: 40.25 },
  gpu_seconds_30d: 10,
});

describe("usageBars", () => {
  it("shows amounts against their limits, capped at full", () => {
    const bars = usageBars(usage({ max_pending_items: 6, max_items_per_day: 10, max_storage_mb: 100 }));
    expect(bars.map((b) => [b.percent, b.text])).toEqual([
      [50, "3 of 6"],
      [100, "12 of 10"],
      [40.25, "40.3 MB of 100 MB"],
    ]);
  });

  it("marks unlimited amounts and a zero limit", () => {
    const bars = usageBars(usage({ max_storage_mb: 0 }));
    expect(bars[0]).toMatchObject({ percent: null, text: "3 (no limit)" });
    expect(bars[2]?.percent).toBe(100);
  });

  it("lists per-image limits only when set", () => {
    expect(imageLimits(usage({}))).toEqual([]);
    expect(imageLimits(usage({ max_pixels_per_image: 1048576, max_steps: 30 }))).toEqual([
      "At most 1,048,576 pixels per image",
      "At most 30 steps",
    ]);
  });
});
