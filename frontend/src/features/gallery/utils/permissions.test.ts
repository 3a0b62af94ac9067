import { describe, expect, it } from "vitest";
import { makeBoard, makeImage, makeUser } from "@/testing/fixtures";
import {
  canChangeImage,
  canContributeToBoard,
  canManageBoard,
  canOwnBoard,
  canTakeOffBoard,
  moveTargets,
} from "./permissions";

const owner = { user: makeUser({ user_id: "owner" }) };
const other = { user: makeUser({ user_id: "other" }) };
const admin = { user: makeUser({ user_id: "admin", is_admin: true }) };
const board = (visibility: "private" | "shared" | "public") =>
  makeBoard({ board_id: `b-${visibility}`, user_id: "owner", board_visibility: visibility });

describe("board rules (SPEC §6)", () => {
  it.each([
    ["private", false, false],
    ["shared", false, false],
    ["public", false, true],
  ] as const)("another user on a %s board: manage %s, contribute %s", (visibility, manage, contribute) => {
    expect(canManageBoard(other, board(visibility))).toBe(manage);
    expect(canContributeToBoard(other, board(visibility))).toBe(contribute);
  });

  it("owners and administrators manage and contribute; Uncategorized is always one's own", () => {
    for (const actor of [owner, admin]) {
      expect(canManageBoard(actor, board("private"))).toBe(true);
      expect(canContributeToBoard(actor, board("private"))).toBe(true);
    }
    expect(canContributeToBoard(other, null)).toBe(true);
  });
});

describe("shares (SPEC §20)", () => {
  const shared = (permission: "view" | "contribute" | "manage") =>
    makeBoard({ user_id: "owner", board_visibility: "private", shared_permission: permission });
  const ownersImage = makeImage({ user_id: "owner", board_id: "b-1" });
  const othersImage = makeImage({ user_id: "other", board_id: "b-1" });

  it.each([
    ["view", false, false],
    ["contribute", false, true],
    ["manage", true, true],
  ] as const)("a %s share: manage %s, contribute %s; never delete or reshare", (permission, manage, contribute) => {
    expect(canManageBoard(other, shared(permission))).toBe(manage);
    expect(canContributeToBoard(other, shared(permission))).toBe(contribute);
    expect(canOwnBoard(other, shared(permission))).toBe(false);
  });

  it("managers change every image on the board; contributors only their own", () => {
    expect(canChangeImage(other, ownersImage, shared("manage"))).toBe(true);
    expect(canTakeOffBoard(other, ownersImage, shared("manage"))).toBe(true);
    expect(canChangeImage(other, ownersImage, shared("contribute"))).toBe(false);
    expect(canTakeOffBoard(other, othersImage, shared("contribute"))).toBe(true);
    expect(canTakeOffBoard(other, othersImage, shared("view"))).toBe(false);
  });
});

describe("image rules", () => {
  const ownersImage = makeImage({ user_id: "owner", board_id: "b-public" });
  const othersImage = makeImage({ user_id: "other", board_id: "b-public" });

  it("on a public board others change and remove only their own images", () => {
    expect(canChangeImage(other, ownersImage, board("public"))).toBe(false);
    expect(canChangeImage(other, othersImage, board("public"))).toBe(true);
    expect(canTakeOffBoard(other, othersImage, board("public"))).toBe(true);
    expect(canTakeOffBoard(other, ownersImage, board("public"))).toBe(false);
  });

  it("the board owner may change anything on their board", () => {
    expect(canChangeImage(owner, othersImage, board("public"))).toBe(true);
  });

  it("moves only to boards that accept the image, plus Uncategorized when it may leave", () => {
    const boards = [board("public"), board("shared"), makeBoard({ board_id: "mine", user_id: "other" })];
    const targets = moveTargets(other, othersImage, board("public"), boards).map((b) => b?.board_id ?? null);
    expect(targets).toEqual([null, "mine"]);
    expect(moveTargets(other, ownersImage, board("public"), boards)).toEqual([]);
  });
});
