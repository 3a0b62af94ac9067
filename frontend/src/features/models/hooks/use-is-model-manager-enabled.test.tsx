import { renderHook } from "@testing-library/react";
import type { ReactNode } from "react";
import { describe, expect, it } from "vitest";
import { SessionContext, type Session } from "@/lib/session";
import { makeUser, SYSTEM_USER } from "@/testing/fixtures";
import { useIsModelManagerEnabled } from "./use-is-model-manager-enabled";

function enabledFor(session: Session): boolean {
  const wrapper = ({ children }: { children: ReactNode }) => (
    <SessionContext.Provider value={session}>{children}</SessionContext.Provider>
  );
  return renderHook(() => useIsModelManagerEnabled(), { wrapper }).result.current;
}

describe("useIsModelManagerEnabled", () => {
  it("is enabled for the single-user system administrator", () => {
    expect(enabledFor({ multiuser: false, strictPasswordChecking: false, user: SYSTEM_USER })).toBe(true);
  });

  it("is enabled in single-user mode even for an identity without the admin flag", () => {
    const user = makeUser({ user_id: "system", is_admin: false });
    expect(enabledFor({ multiuser: false, strictPasswordChecking: false, user })).toBe(true);
  });

  it("is enabled for a multi-user administrator", () => {
    expect(enabledFor({ multiuser: true, strictPasswordChecking: false, user: makeUser({ is_admin: true }) })).toBe(true);
  });

  it("is disabled for an ordinary multi-user user", () => {
    expect(enabledFor({ multiuser: true, strictPasswordChecking: false, user: makeUser({ is_admin: false }) })).toBe(false);
  });

  it("refuses to run outside the signed-in part of the studio", () => {
    expect(() => renderHook(() => useIsModelManagerEnabled())).toThrow(/outside the signed-in part/);
  });
});
