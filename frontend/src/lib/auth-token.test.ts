import { describe, expect, it } from "vitest";
import { fakeToken } from "../testing/fixtures";
import { getToken, isRemembered, setToken } from "./auth-token";

describe("remember me decides where the token lives", () => {
  it("keeps a remembered token in localStorage only", () => {
    const token = fakeToken("s1", 0, true);
    setToken(token);
    expect(window.localStorage.getItem("gesso.token")).toBe(token);
    expect(window.sessionStorage.getItem("gesso.token")).toBeNull();
    expect(getToken()).toBe(token);
  });

  it("keeps any other token in sessionStorage only, gone when the browser closes", () => {
    const token = fakeToken("s1", 0, false);
    setToken(token);
    expect(window.sessionStorage.getItem("gesso.token")).toBe(token);
    expect(window.localStorage.getItem("gesso.token")).toBeNull();
  });

  it("moves the token when a later one is remembered differently, and signing out clears both", () => {
    setToken(fakeToken("s1", 0, true));
    const session = fakeToken("s2", 0, false);
    setToken(session);
    expect(window.localStorage.getItem("gesso.token")).toBeNull();
    expect(window.sessionStorage.getItem("gesso.token")).toBe(session);
    setToken(null);
    expect(window.localStorage.getItem("gesso.token")).toBeNull();
    expect(window.sessionStorage.getItem("gesso.token")).toBeNull();
  });

  it("reads the remember_me claim, treating anything unreadable as not remembered", () => {
    expect(isRemembered(fakeToken("s", 0, true))).toBe(true);
    expect(isRemembered(fakeToken("s", 0, false))).toBe(false);
    expect(isRemembered("not-a-jwt")).toBe(false);
    expect(isRemembered("a.%%%.c")).toBe(false);
    expect(isRemembered(null)).toBe(false);
  });
});
