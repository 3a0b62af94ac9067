import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { BoardShareDTO, ShareKind, SharePermission } from "@/lib/api-types";
import { boardSharesKey } from "./list-board-shares";

export interface ShareTarget {
  boardId: string;
  kind: ShareKind;
  /** A user id or e-mail address, or a group id. */
  id: string;
  permission: SharePermission;
}

/** Share a board with a person or a group, or change the permission (owner or admin). */
export function putBoardShare({ boardId, kind, id, permission }: ShareTarget): Promise<BoardShareDTO> {
  const path = `api/v1/boards/${encodeURIComponent(boardId)}/shares/${kind}/${encodeURIComponent(id)}`;
  return apiRequest<BoardShareDTO>(path, { method: "PUT", json: { permission } });
}

export function usePutBoardShare() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: putBoardShare,
    onSuccess: (_share, target) => queryClient.invalidateQueries({ queryKey: boardSharesKey(target.boardId) }),
  });
}
