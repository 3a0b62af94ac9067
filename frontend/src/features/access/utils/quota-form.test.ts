import { describe, expect, it } from "vitest";
import { describeLimit, fromForm, toForm } from "./quota-form";

describe("quota form", () => {
  it("round-trips values, empty meaning not set", () => {
    const form = toForm({ max_pending_items: 5, max_steps: null, queue_weight: 2 });
    expect(form.max_pending_items).toBe("5");
    expect(form.max_steps).toBe("");
    expect(fromForm(form)).toEqual({
      values: {
        max_pending_items: 5,
        max_items_per_day: null,
        max_storage_mb: null,
        max_pixels_per_image: null,
        max_steps: null,
        queue_weight: 2,
      },
    });
  });

  it("names every wrong field", () => {
    const form = { ...toForm({}), max_steps: "-1", queue_weight: "0", max_storage_mb: "1.5" };
    const result = fromForm(form);
    expect("errors" in result && Object.keys(result.errors).sort()).toEqual([
      "max_steps",
      "max_storage_mb",
      "queue_weight",
    ]);
  });

  it("accepts thousands separators and describes limits", () => {
    const result = fromForm({ ...toForm({}), max_pixels_per_image: "1,048,576" });
    expect("values" in result && result.values.max_pixels_per_image).toBe(1048576);
    expect(describeLimit(null)).toBe("no limit");
    expect(describeLimit(2048, "MB")).toBe("2,048 MB");
  });
});
