import { describe, expect, it } from "vitest";
import { toPage } from "./paging";

describe("toPage", () => {
  it("uses the extra row only to know a next page exists", () => {
    expect(toPage([1, 2, 3], 0, 2)).toEqual({ items: [1, 2], offset: 0, pageSize: 2, hasNext: true });
    expect(toPage([1, 2], 2, 2)).toEqual({ items: [1, 2], offset: 2, pageSize: 2, hasNext: false });
  });
});
