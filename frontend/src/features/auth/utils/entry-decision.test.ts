import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api-client";
import { makeStatus, makeUser, SYSTEM_USER } from "@/testing/fixtures";
import { decideEntry, needsCurrentUser, returnPath } from "./entry-decision";

const SU = makeStatus({ multiuser_enabled: false, setup_required: false });
const MU = makeStatus({ multiuser_enabled: true, setup_required: false });
const SETUP = makeStatus({ multiuser_enabled: true, setup_required: true });

describe("decideEntry (the setup checker)", () => {
  it("waits for the setup status", () => {
    expect(decideEntry({ hasToken: false }).kind).toBe("loading");
  });

  it("reports an unreachable server", () => {
    expect(decideEntry({ hasToken: false, statusError: new TypeError("fetch failed") }).kind).toBe("unreachable");
  });

  it("opens single-user mode directly, never the login page, even without a token", () => {
    expect(decideEntry({ status: SU, hasToken: false, user: SYSTEM_USER })).toEqual({
      kind: "single-user",
      status: SU,
      user: SYSTEM_USER,
    });
    expect(decideEntry({ status: SU, hasToken: false }).kind).toBe("loading");
    expect(decideEntry({ status: SU, hasToken: false, userError: new ApiError(401, "x") }).kind).toBe("unreachable");
  });

  it("asks for an administrator while multi-user setup is required, token or not", () => {
    expect(decideEntry({ status: SETUP, hasToken: false }).kind).toBe("setup");
    expect(decideEntry({ status: SETUP, hasToken: true, user: makeUser() }).kind).toBe("setup");
  });

  it("shows the login page without a token", () => {
    expect(decideEntry({ status: MU, hasToken: false, user: makeUser() }).kind).toBe("login");
  });

  it("shows the login page when the stored token is refused", () => {
    expect(decideEntry({ status: MU, hasToken: true, userError: new ApiError(401, "Invalid token") }).kind).toBe(
      "login",
    );
  });

  it("lets a user with a valid token in", () => {
    const user = makeUser();
    expect(decideEntry({ status: MU, hasToken: true, user })).toEqual({ kind: "authenticated", status: MU, user });
    expect(decideEntry({ status: MU, hasToken: true }).kind).toBe("loading");
  });

  it("asks who the user is only when the answer matters", () => {
    expect(needsCurrentUser(undefined, true)).toBe(false);
    expect(needsCurrentUser(SU, false)).toBe(true);
    expect(needsCurrentUser(SETUP, true)).toBe(false);
    expect(needsCurrentUser(MU, false)).toBe(false);
    expect(needsCurrentUser(MU, true)).toBe(true);
  });
});

describe("returnPath", () => {
  it("returns to the page the guard turned away", () => {
    expect(returnPath({ pathname: "/gallery/b1", search: "?image=x.png", hash: "" }, "/gallery")).toBe(
      "/gallery/b1?image=x.png",
    );
  });

  it("never returns to a sign-in page and falls back without a location", () => {
    expect(returnPath({ pathname: "/login" }, "/gallery")).toBe("/gallery");
    expect(returnPath(undefined, "/gallery")).toBe("/gallery");
    expect(returnPath("nonsense", "/gallery")).toBe("/gallery");
  });
});
