import { describe, expect, it } from "vitest";
import { describeUserAgent, displayNameOf, initialsOf } from "./user-labels";

describe("user labels", () => {
  it("falls back to the email without a display name", () => {
    expect(displayNameOf({ display_name: null, email: "ann@example.com" })).toBe("ann@example.com");
    expect(initialsOf({ display_name: "Ann Lee", email: "x" })).toBe("AL");
    expect(initialsOf({ display_name: null, email: "bob@example.com" })).toBe("BE");
  });

  it("names the browser and system of a session", () => {
    const chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
    expect(describeUserAgent(chrome)).toBe("Chrome on Linux");
    expect(describeUserAgent("python-httpx/0.28.1")).toBe("Script");
    expect(describeUserAgent(null)).toBe("Unknown device");
  });
});
