import { describe, expect, it } from "vitest";
import { makeUser } from "@/testing/fixtures";
import { userChanges } from "./user-changes";

const user = makeUser({ display_name: "Ann", is_admin: false, is_active: true });
const same = { displayName: "Ann", isAdmin: false, isActive: true, password: "", mustChangePassword: false };

describe("userChanges", () => {
  it("sends nothing when nothing changed", () => {
    expect(userChanges(user, same)).toEqual({});
    expect(userChanges(user, { ...same, displayName: " Ann " })).toEqual({});
  });

  it("sends only what changed, the password only when typed", () => {
    expect(userChanges(user, { ...same, isAdmin: true, isActive: false })).toEqual({ is_admin: true, is_active: false });
    expect(userChanges(user, { ...same, displayName: "Anna", password: "x" })).toEqual({
      display_name: "Anna",
      password: "x",
    });
  });

  it("sends the forced password change only when it is switched", () => {
    expect(userChanges(user, { ...same, mustChangePassword: true })).toEqual({ must_change_password: true });
    const flagged = makeUser({ display_name: "Ann", must_change_password: true });
    expect(userChanges(flagged, { ...same, mustChangePassword: true })).toEqual({});
    expect(userChanges(flagged, { ...same, mustChangePassword: false })).toEqual({ must_change_password: false });
  });
});
