import type { QuotaValues } from "@/lib/api-types";

export type QuotaKey = keyof QuotaValues;

/** The limits in the order the editors show them (SPEC §17). */
export const QUOTA_FIELDS: { key: QuotaKey; label: string; unit?: string; min: number; max: number }[] = [
  { key: "max_pending_items", label: "Items waiting in the queue", min: 0, max: 1_000_000 },
  { key: "max_items_per_day", label: "Items per day (UTC)", min: 0, max: 1_000_000 },
  { key: "max_storage_mb", label: "Image storage", unit: "MB", min: 0, max: 100_000_000 },
  { key: "max_pixels_per_image", label: "Pixels per image", min: 0, max: 1_000_000_000 },
  { key: "max_steps", label: "Steps per image", min: 0, max: 100_000 },
  { key: "queue_weight", label: "Queue weight (items per turn)", min: 1, max: 100 },
];

/** Form text per key; "" = not set here (no limit, unless a group sets one). */
export type QuotaForm = Record<QuotaKey, string>;

export function toForm(values: Partial<QuotaValues>): QuotaForm {
  const form = {} as QuotaForm;
  for (const { key } of QUOTA_FIELDS) {
    const value = values[key];
    form[key] = value === null || value === undefined ? "" : String(value);
  }
  return form;
}

/** The PUT body, or the fields that are wrong. */
export function fromForm(form: QuotaForm): { values: QuotaValues } | { errors: Partial<Record<QuotaKey, string>> } {
  const values = {} as Record<QuotaKey, number | null>;
  const errors: Partial<Record<QuotaKey, string>> = {};
  for (const { key, min, max } of QUOTA_FIELDS) {
    const text = form[key].trim().replaceAll(",", "");
    if (text === "") {
      values[key] = null;
      continue;
    }
    const number = Number(text);
    if (!Number.isInteger(number) || number < min || number > max) {
      errors[key] = `A whole number from ${min.toLocaleString("en")} to ${max.toLocaleString("en")}, or empty`;
    } else {
      values[key] = number;
    }
  }
  return Object.keys(errors).length > 0 ? { errors } : { values: values as QuotaValues };
}

/** "12 / 40" style summary of limits in force, for tables. */
export function describeLimit(value: number | null | undefined, unit = ""): string {
  return value === null || value === undefined ? "no limit" : `${value.toLocaleString("en")}${unit ? ` ${unit}` : ""}`;
}
