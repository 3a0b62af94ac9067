import { describe, expect, it } from "vitest";
import { linkToken } from "./link-token";

describe("linkToken", () => {
  it("takes the token from the fragment", () => {
    expect(linkToken("#abcdefghijklmnop_-123")).toBe("abcdefghijklmnop_-123");
  });

  it("refuses empty, short or odd fragments", () => {
    expect(linkToken("")).toBe("");
    expect(linkToken("#short")).toBe("");
    expect(linkToken("#has/slash/and/more/chars")).toBe("");
    expect(linkToken("#<script>alert(1)</script>")).toBe("");
  });
});
