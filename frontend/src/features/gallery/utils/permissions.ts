/** Mirrors the server's board and image rules (SPEC §6, §20) so the studio only offers actions
 * that will succeed; the server still decides. `shared_permission` is the caller's best share.
 *
 * - manage a board (rename, visibility, archive): its owner, an admin, or a `manage` share
 * - delete a board or change its shares: its owner or an admin
 * - contribute (upload into it, add own images): owner, admin, anyone on a public board, a
 *   `contribute` or `manage` share; Uncategorized is always the caller's own
 * - change an image (star, delete): admin, the image's owner, or whoever manages its board
 * - put an image on a board: admin or the image's owner, on a board they may contribute to
 * - take an image off a board: admin, whoever manages the board, or the image's owner on a board
 *   they may contribute to
 */
import type { BoardDTO, ImageDTO } from "@/lib/api-types";
import type { Session } from "@/lib/session";

type Actor = Pick<Session, "user">;

const isAdmin = (actor: Actor) => actor.user.is_admin;
const owns = (actor: Actor, thing: { user_id: string }) => thing.user_id === actor.user.user_id;

const RANK = { view: 1, contribute: 2, manage: 3 } as const;
const sharedAtLeast = (board: BoardDTO, permission: keyof typeof RANK) =>
  !!board.shared_permission && RANK[board.shared_permission] >= RANK[permission];

export function canManageBoard(actor: Actor, board: BoardDTO): boolean {
  return isAdmin(actor) || owns(actor, board) || sharedAtLeast(board, "manage");
}

export function canOwnBoard(actor: Actor, board: BoardDTO): boolean {
  return isAdmin(actor) || owns(actor, board);
}

export function canContributeToBoard(actor: Actor, board: BoardDTO | null): boolean {
  if (board === null) return true;
  return (
    isAdmin(actor) || owns(actor, board) || board.board_visibility === "public" || sharedAtLeast(board, "contribute")
  );
}

export function canChangeImage(actor: Actor, image: ImageDTO, board: BoardDTO | null): boolean {
  return isAdmin(actor) || owns(actor, image) || (board !== null && canManageBoard(actor, board));
}

export function canPutOnBoard(actor: Actor, image: ImageDTO, board: BoardDTO): boolean {
  return (isAdmin(actor) || owns(actor, image)) && canContributeToBoard(actor, board);
}

export function canTakeOffBoard(actor: Actor, image: ImageDTO, board: BoardDTO | null): boolean {
  if (board === null) return false;
  return canManageBoard(actor, board) || (canContributeToBoard(actor, board) && owns(actor, image));
}

/** Where an image may be moved: other boards that accept it, plus Uncategorized (its owner's)
 * when it may leave its current board. `null` in the result stands for Uncategorized. */
export function moveTargets(
  actor: Actor,
  image: ImageDTO,
  current: BoardDTO | null,
  boards: readonly BoardDTO[],
): (BoardDTO | null)[] {
  const targets: (BoardDTO | null)[] = [];
  if (image.board_id && canTakeOffBoard(actor, image, current)) targets.push(null);
  for (const board of boards) {
    if (board.board_id !== image.board_id && !board.archived && canPutOnBoard(actor, image, board)) {
      targets.push(board);
    }
  }
  return targets;
}
