import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeToken, json, routeFetch } from "../testing/fixtures";
import { ApiError, apiRequest, buildUrl, detailMessage, SESSION_ENDED_NOTICE } from "./api-client";
import { adoptRefreshedToken, getSignOutNotice, getToken, setToken, tokenSessionId } from "./auth-token";

afterEach(() => vi.unstubAllGlobals());

describe("token refresh adoption", () => {
  it("adopts X-Refreshed-Token from a successful response", async () => {
    const old = fakeToken("s1", 1);
    const fresh = fakeToken("s1", 2);
    setToken(old);
    const fetch = routeFetch({ "POST api/v1/boards/": () => json({}, 201, { "X-Refreshed-Token": fresh }) });
    vi.stubGlobal("fetch", fetch);

    await apiRequest("api/v1/boards/", { method: "POST", query: { board_name: "b" } });

    expect(fetch.calls[0]?.headers.Authorization).toBe(`Bearer ${old}`);
    expect(getToken()).toBe(fresh);
    expect(window.localStorage.getItem("gesso.token")).toBe(fresh);
  });

  it("ignores a refreshed token that arrives after the user signed out", async () => {
    setToken(fakeToken("s1"));
    vi.stubGlobal(
      "fetch",
      routeFetch({
        "POST api/v1/boards/": () => {
          setToken(null); // logout finished while this request was in flight
          return json({}, 201, { "X-Refreshed-Token": fakeToken("s1", 2) });
        },
      }),
    );
    await apiRequest("api/v1/boards/", { method: "POST" });
    expect(getToken()).toBeNull();
  });

  it("decides adoption only for the token that was sent", () => {
    expect(adoptRefreshedToken("a", "a", "b")).toBe("b");
    expect(adoptRefreshedToken("a", "c", "b")).toBeNull();
    expect(adoptRefreshedToken(null, null, "b")).toBeNull();
    expect(adoptRefreshedToken("a", "a", null)).toBeNull();
    expect(adoptRefreshedToken("a", "a", "a")).toBeNull();
  });
});

describe("401 handling", () => {
  it("forgets a refused token and leaves a message for the login page", async () => {
    setToken(fakeToken("s1"));
    vi.stubGlobal("fetch", routeFetch({ "GET api/v1/auth/me": () => json({ detail: "Invalid token" }, 401) }));
    await expect(apiRequest("api/v1/auth/me")).rejects.toMatchObject({ status: 401, message: "Invalid token" });
    expect(getToken()).toBeNull();
    expect(getSignOutNotice()).toBe(SESSION_ENDED_NOTICE);
  });

  it("does not treat a failed login (no token sent) as an ended session", async () => {
    vi.stubGlobal(
      "fetch",
      routeFetch({ "POST api/v1/auth/login": () => json({ detail: "Incorrect email or password" }, 401) }),
    );
    await expect(apiRequest("api/v1/auth/login", { method: "POST", json: {} })).rejects.toBeInstanceOf(ApiError);
    expect(getSignOutNotice()).toBeNull();
  });
});

describe("messages and URLs", () => {
  it("turns the server's detail into one readable line", () => {
    expect(detailMessage({ detail: "Cannot remove the last administrator" }, 400, "")).toBe(
      "Cannot remove the last administrator",
    );
    expect(
      detailMessage({ detail: [{ loc: ["body", "email"], msg: "value is not a valid email address" }] }, 422, ""),
    ).toBe("email: value is not a valid email address");
    expect(detailMessage(undefined, 502, "Bad Gateway")).toBe("Request failed (502 Bad Gateway)");
  });

  it("resolves API paths against the app root and repeats list parameters", () => {
    const url = new URL(buildUrl("api/v1/images/", { categories: ["user", "mask"], board_id: null, limit: 5 }));
    expect(url.pathname).toBe("/api/v1/images/");
    expect(url.searchParams.getAll("categories")).toEqual(["user", "mask"]);
    expect(url.searchParams.has("board_id")).toBe(false);
  });

  it("reads the session id from a token without verifying it", () => {
    expect(tokenSessionId(fakeToken("abc"))).toBe("abc");
    expect(tokenSessionId("garbage")).toBeNull();
    expect(tokenSessionId(null)).toBeNull();
  });
});
