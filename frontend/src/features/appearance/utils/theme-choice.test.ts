import { describe, expect, it } from "vitest";
import { nextThemeChoice, parseThemeChoice, resolveScheme } from "./theme-choice";

describe("theme choice", () => {
  it("follows the OS setting unless the person chose", () => {
    expect(resolveScheme("auto", true)).toBe("dark");
    expect(resolveScheme("auto", false)).toBe("light");
    expect(resolveScheme("light", true)).toBe("light");
    expect(resolveScheme("dark", false)).toBe("dark");
  });

  it("cycles auto, light, dark", () => {
    expect(nextThemeChoice("auto")).toBe("light");
    expect(nextThemeChoice("light")).toBe("dark");
    expect(nextThemeChoice("dark")).toBe("auto");
  });

  it("reads only known stored values", () => {
    expect(parseThemeChoice("light")).toBe("light");
    expect(parseThemeChoice("auto")).toBe("auto");
    expect(parseThemeChoice("sepia")).toBeNull();
    expect(parseThemeChoice(null)).toBeNull();
    expect(parseThemeChoice(3)).toBeNull();
  });
});
