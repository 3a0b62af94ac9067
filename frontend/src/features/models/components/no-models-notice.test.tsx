import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { SessionContext, type Session } from "@/lib/session";
import { makeUser, SYSTEM_USER } from "@/testing/fixtures";
import { renderRoutes } from "@/testing/render";
import { NoModelsNotice } from "./no-models-notice";

function renderFor(session: Session) {
  return renderRoutes([{ path: "/", element: <NoModelsNotice /> }], "/", (tree) => (
    <SessionContext.Provider value={session}>{tree}</SessionContext.Provider>
  ));
}

describe("NoModelsNotice", () => {
  it("sends model managers to the Models page", () => {
    renderFor({ multiuser: false, strictPasswordChecking: false, user: SYSTEM_USER });
    expect(screen.getByRole("link", { name: "Models page" }).getAttribute("href")).toBe("/models");
  });

  it("tells other users whom to ask", () => {
    renderFor({ multiuser: true, strictPasswordChecking: false, user: makeUser() });
    expect(screen.getByText(/ask an administrator to install a model/)).toBeTruthy();
    expect(screen.queryByRole("link")).toBeNull();
  });
});
