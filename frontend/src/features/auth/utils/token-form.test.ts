import { describe, expect, it } from "vitest";
import { tokenFormErrors } from "./token-form";

describe("tokenFormErrors", () => {
  it("accepts a named token with a scope and an expiry within a year", () => {
    expect(tokenFormErrors({ name: "backup script", scopes: ["read"], expiresInDays: 365 })).toEqual({});
  });

  it("names every field that is wrong", () => {
    expect(tokenFormErrors({ name: "  ", scopes: [], expiresInDays: 366 })).toEqual({
      name: "Give the token a name",
      scopes: "Choose at least one scope",
      expiresInDays: "Between 1 and 365 days",
    });
    expect(tokenFormErrors({ name: "x", scopes: ["gallery"], expiresInDays: 0 }).expiresInDays).toBeDefined();
    expect(tokenFormErrors({ name: "x", scopes: ["gallery"], expiresInDays: 1.5 }).expiresInDays).toBeDefined();
  });
});
