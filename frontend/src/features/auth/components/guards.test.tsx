import { fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Outlet, useLocation, type RouteObject } from "react-router";
import { useSession } from "@/hooks/use-session";
import { getToken, setToken } from "@/lib/auth-token";
import { fakeToken, json, makeStatus, makeUser, routeFetch, SYSTEM_USER } from "@/testing/fixtures";
import { renderRoutes } from "@/testing/render";
import { LoginRoute, SetupRoute } from "./entry-routes";
import { RequireAdmin } from "./require-admin";
import { RequireSession } from "./require-session";
import { SessionGate } from "./session-gate";

function ProtectedPage() {
  const location = useLocation();
  const { user } = useSession();
  return (
    <p>
      studio {location.pathname}
      {location.search} as {user.email}
    </p>
  );
}

const routes: RouteObject[] = [
  {
    element: <SessionGate />,
    children: [
      { path: "/setup", element: <SetupRoute /> },
      { path: "/login", element: <LoginRoute /> },
      {
        element: <RequireSession />,
        children: [
          { path: "/gallery/:boardId?", element: <ProtectedPage /> },
          { element: <RequireAdmin />, children: [{ path: "/users", element: <p>user admin</p> }] },
          { path: "/", element: <Outlet /> },
        ],
      },
    ],
  },
];

afterEach(() => vi.unstubAllGlobals());

describe("entry guards", () => {
  it("single-user mode opens the studio without a login page", async () => {
    const fetch = routeFetch({
      "GET api/v1/auth/status": () => json(makeStatus({ multiuser_enabled: false })),
      "GET api/v1/auth/me": () => json(SYSTEM_USER),
    });
    vi.stubGlobal("fetch", fetch);
    const { router } = renderRoutes(routes, "/login");
    expect(await screen.findByText(/studio \/gallery as system@system.local/)).toBeTruthy();
    expect(router.state.location.pathname).toBe("/gallery");
    expect(fetch.calls.some((c) => c.path === "api/v1/auth/media-cookie")).toBe(false);
  });

  it("multi-user mode without an administrator shows the setup page", async () => {
    vi.stubGlobal("fetch", routeFetch({ "GET api/v1/auth/status": () => json(makeStatus({ setup_required: true })) }));
    const { router } = renderRoutes(routes, "/gallery");
    expect(await screen.findByText("Welcome to Gesso")).toBeTruthy();
    expect(router.state.location.pathname).toBe("/setup");
  });

  it("sends a visitor without a token to login and back to the page they wanted", async () => {
    const user = makeUser();
    const token = fakeToken("s1");
    const fetch = routeFetch({
      "GET api/v1/auth/status": () => json(makeStatus()),
      "POST api/v1/auth/login": () => json({ token, user, expires_in: 86400 }),
      "POST api/v1/auth/media-cookie": () => json({ success: true }),
    });
    vi.stubGlobal("fetch", fetch);
    const { router } = renderRoutes(routes, "/gallery/b1?image=x.png");

    expect(await screen.findByText("Sign in to Gesso")).toBeTruthy();
    expect(router.state.location.pathname).toBe("/login");

    fireEvent.change(screen.getByLabelText(/Email/), { target: { value: "user@example.com" } });
    fireEvent.change(screen.getByLabelText(/Password/), { target: { value: "secret" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByText(/studio \/gallery\/b1\?image=x.png as user@example.com/)).toBeTruthy();
    expect(getToken()).toBe(token);
    await waitFor(() => expect(fetch.calls.some((c) => c.path === "api/v1/auth/media-cookie")).toBe(true));
  });

  it("lets a stored valid token straight in and refreshes the media cookie first", async () => {
    setToken(fakeToken("s1"));
    const fetch = routeFetch({
      "GET api/v1/auth/status": () => json(makeStatus()),
      "GET api/v1/auth/me": () => json(makeUser()),
      "POST api/v1/auth/media-cookie": () => json({ success: true }),
    });
    vi.stubGlobal("fetch", fetch);
    renderRoutes(routes, "/gallery");
    expect(await screen.findByText(/studio \/gallery as user@example.com/)).toBeTruthy();
    const order = fetch.calls.map((c) => c.path);
    expect(order).toContain("api/v1/auth/media-cookie");
  });

  it("returns to login with a message when the stored token is refused", async () => {
    setToken(fakeToken("s1"));
    vi.stubGlobal(
      "fetch",
      routeFetch({
        "GET api/v1/auth/status": () => json(makeStatus()),
        "GET api/v1/auth/me": () => json({ detail: "Invalid or expired token" }, 401),
      }),
    );
    renderRoutes(routes, "/gallery");
    expect(await screen.findByText("Your session has ended. Please sign in again.")).toBeTruthy();
    expect(getToken()).toBeNull();
  });

  it("refuses the users page to a user who is not an administrator", async () => {
    setToken(fakeToken("s1"));
    vi.stubGlobal(
      "fetch",
      routeFetch({
        "GET api/v1/auth/status": () => json(makeStatus()),
        "GET api/v1/auth/me": () => json(makeUser({ is_admin: false })),
        "POST api/v1/auth/media-cookie": () => json({ success: true }),
      }),
    );
    renderRoutes(routes, "/users");
    expect(await screen.findByText("Administrators only")).toBeTruthy();
    expect(screen.queryByText("user admin")).toBeNull();
  });

  it("opens the users page for an administrator", async () => {
    setToken(fakeToken("s1"));
    vi.stubGlobal(
      "fetch",
      routeFetch({
        "GET api/v1/auth/status": () => json(makeStatus()),
        "GET api/v1/auth/me": () => json(makeUser({ is_admin: true })),
        "POST api/v1/auth/media-cookie": () => json({ success: true }),
      }),
    );
    renderRoutes(routes, "/users");
    expect(await screen.findByText("user admin")).toBeTruthy();
  });
});
