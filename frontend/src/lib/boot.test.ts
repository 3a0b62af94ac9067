import { describe, expect, it } from "vitest";
import { candidateRoots, findAppRoot } from "./boot.js";

const SEGMENTS = ["generate", "gallery", "queue", "models", "login", "setup", "profile", "users"];

describe("findAppRoot", () => {
  it("cuts the path before the first studio route", () => {
    expect(findAppRoot("/gallery/b1", SEGMENTS, null)).toEqual({ root: "/", certain: true });
    expect(findAppRoot("/studio/gallery/b1", SEGMENTS, null)).toEqual({ root: "/studio/", certain: true });
    expect(findAppRoot("/a/b/login", SEGMENTS, null)).toEqual({ root: "/a/b/", certain: true });
  });

  it("trusts a remembered root that the path starts with", () => {
    expect(findAppRoot("/studio/", SEGMENTS, "/studio/")).toEqual({ root: "/studio/", certain: true });
    expect(findAppRoot("/studio/users", SEGMENTS, "/studio/")).toEqual({ root: "/studio/", certain: true });
  });

  it("is unsure at a bare directory or an unknown page, so boot.js asks the server", () => {
    expect(findAppRoot("/studio/", SEGMENTS, null)).toEqual({ root: "/studio/", certain: false });
    expect(findAppRoot("/studio/nope/deeper", SEGMENTS, "/other/")).toEqual({ root: "/studio/nope/", certain: false });
  });
});

describe("candidateRoots", () => {
  it("lists every ancestor directory, deepest first", () => {
    expect(candidateRoots("/a/b/c")).toEqual(["/a/b/", "/a/", "/"]);
    expect(candidateRoots("/studio/")).toEqual(["/studio/", "/"]);
    expect(candidateRoots("/")).toEqual(["/"]);
  });
});
