import { describe, expect, it } from "vitest";
import { generatePassword, newPasswordReady, passwordPolicyError, passwordStrength } from "./passwords";

describe("passwordStrength", () => {
  it("grows with length and variety", () => {
    expect(passwordStrength("").score).toBe(0);
    expect(passwordStrength("aaaaaaaaaaaa").score).toBe(0);
    expect(passwordStrength("password1").score).toBe(0);
    expect(passwordStrength("horse7battery").score).toBeGreaterThan(passwordStrength("horse").score);
    expect(passwordStrength("Tr0ub4dor&3-horse-Staple").score).toBe(4);
  });
});

describe("passwordPolicyError", () => {
  it("accepts any non-empty password unless strict", () => {
    expect(passwordPolicyError("x", false)).toBeNull();
    expect(passwordPolicyError("", false)).not.toBeNull();
  });

  it("in strict mode needs 8 characters with upper, lower and a digit", () => {
    expect(passwordPolicyError("Short1", true)).toMatch(/8 characters/);
    expect(passwordPolicyError("alllowercase1", true)).toMatch(/upper-case/);
    expect(passwordPolicyError("Good1Password", true)).toBeNull();
  });
});

describe("newPasswordReady", () => {
  it("needs a password that keeps the rule, typed the same twice", () => {
    expect(newPasswordReady({ password: "", confirm: "" }, false)).toBe(false);
    expect(newPasswordReady({ password: "x", confirm: "y" }, false)).toBe(false);
    expect(newPasswordReady({ password: "x", confirm: "x" }, false)).toBe(true);
    expect(newPasswordReady({ password: "short", confirm: "short" }, true)).toBe(false);
    expect(newPasswordReady({ password: "Good1Password", confirm: "Good1Password" }, true)).toBe(true);
  });
});

describe("generatePassword", () => {
  it("makes 16 characters that satisfy the strict policy", () => {
    for (let i = 0; i < 50; i += 1) {
      const password = generatePassword();
      expect(password).toHaveLength(16);
      expect(passwordPolicyError(password, true)).toBeNull();
    }
  });

  it("retries until every character class is present", () => {
    let call = 0;
    const fill = (array: Uint32Array) => {
      call += 1;
      // First draw: all "A" (upper only); second draw: cycles through every class.
      array.forEach((_, i) => (array[i] = call === 1 ? 0 : i * 7));
      return array;
    };
    const password = generatePassword(16, fill);
    expect(call).toBe(2);
    expect(passwordPolicyError(password, true)).toBeNull();
  });
});
