/** Mirrors the server's board and image rules (SPEC §6) so the studio only offers actions that
 * will succeed; the server still decides.
 *
 * - manage a board (rename, visibility, archive, delete): its owner or an admin
 * - contribute (upload into it, add own images): owner, admin, anyone on a public board;
 *   Uncategorized is always the caller's own
 * - change an image (star, delete): admin, the image's owner, or the owner of its board
 * - put an image on a board: admin or the image's owner, on a board they may contribute to
 * - take an image off a board: admin, the board's owner, or the image's owner on a public board
 */
import type { BoardDTO, ImageDTO } from "@/lib/api-types";
import type { Session } from "@/lib/session";

type Actor = Pick<Session, "user">;

const isAdmin = (actor: Actor) => actor.user.is_admin;
const owns = (actor: Actor, thing: { user_id: string }) => thing.user_id === actor.user.user_id;

export function canManageBoard(actor: Actor, board: BoardDTO): boolean {
  return isAdmin(actor) || owns(actor, board);
}

export function canContributeToBoard(actor: Actor, board: BoardDTO | null): boolean {
  if (board === null) return true;
  return isAdmin(actor) || owns(actor, board) || board.board_visibility === "public";
}

export function canChangeImage(actor: Actor, image: ImageDTO, board: BoardDTO | null): boolean {
  return isAdmin(actor) || owns(actor, image) || (board !== null && owns(actor, board));
}

export function canPutOnBoard(actor: Actor, image: ImageDTO, board: BoardDTO): boolean {
  return (isAdmin(actor) || owns(actor, image)) && canContributeToBoard(actor, board);
}

export function canTakeOffBoard(actor: Actor, image: ImageDTO, board: BoardDTO | null): boolean {
  if (board === null) return false;
  return isAdmin(actor) || owns(actor, board) || (board.board_visibility === "public" && owns(actor, image));
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
