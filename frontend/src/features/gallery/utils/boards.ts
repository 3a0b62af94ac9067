import type { BoardDTO, BoardVisibility } from "@/lib/api-types";
import type { Session } from "@/lib/session";

export const UNCATEGORIZED = "none";

export interface BoardGroups {
  mine: BoardDTO[];
  others: BoardDTO[];
}

/** Own boards first; other people's (shared/public, or all of them for admins) after. */
export function groupBoards(boards: readonly BoardDTO[], userId: string): BoardGroups {
  const groups: BoardGroups = { mine: [], others: [] };
  for (const board of boards) (board.user_id === userId ? groups.mine : groups.others).push(board);
  return groups;
}

export function othersHeading(session: Pick<Session, "user">): string {
  return session.user.is_admin ? "Other users' boards" : "Shared with me";
}

/** "by Alice" for someone else's board; the server names owners for administrators only. */
export function ownerLabel(board: BoardDTO, userId: string): string | null {
  if (board.user_id === userId) return null;
  return board.owner_username ? `by ${board.owner_username}` : "by another user";
}

export const VISIBILITY_LABELS: Record<BoardVisibility, { label: string; color: string; description: string }> = {
  private: { label: "Private", color: "gray", description: "Only you (and administrators)" },
  shared: { label: "Shared", color: "blue", description: "Everyone can view" },
  public: { label: "Public", color: "teal", description: "Everyone can view and add images" },
};

export const SHARE_LABELS: Record<"view" | "contribute" | "manage", string> = {
  view: "can view",
  contribute: "can add images",
  manage: "can manage",
};
