import { describe, expect, it } from "vitest";
import { auditQuery, describeDetails, NO_FILTERS } from "./audit-query";

describe("auditQuery", () => {
  it("leaves out empty filters and passes the cursor", () => {
    expect(auditQuery(NO_FILTERS, null, 50)).toEqual({
      actor: undefined,
      action: undefined,
      since: undefined,
      until: undefined,
      cursor: undefined,
      limit: 50,
    });
    expect(auditQuery({ ...NO_FILTERS, actor: "u1", action: "auth." }, "42", 10)).toMatchObject({
      actor: "u1",
      action: "auth.",
      cursor: "42",
    });
  });

  it("includes the whole 'until' day and starts 'since' at local midnight", () => {
    const query = auditQuery({ ...NO_FILTERS, since: "2026-03-01", until: "2026-03-01" }, null, 50);
    const since = new Date(query.since as string);
    const until = new Date(query.until as string);
    expect(since.getHours()).toBe(0);
    expect(since.getDate()).toBe(1);
    expect(until.getTime() - since.getTime()).toBeGreaterThanOrEqual(23 * 3600 * 1000);
    expect(until.getDate()).toBe(2);
  });

  it("ignores a malformed day", () => {
    expect(auditQuery({ ...NO_FILTERS, since: "yesterday" }, null, 5).since).toBeUndefined();
  });
});

describe("describeDetails", () => {
  it("shows changes as old → new and lists compactly", () => {
    expect(describeDetails({ is_admin: { from: false, to: true }, items: 2, model_keys: [] })).toBe(
      "is_admin: false → true · items: 2 · model_keys: none",
    );
    expect(describeDetails({ reassigned_to: null, moved: { images: 2 } })).toBe('reassigned_to: — · moved: {"images":2}');
    expect(describeDetails({})).toBe("");
  });
});
