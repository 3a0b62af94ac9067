import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { BoardShareDTO } from "@/lib/api-types";
import { boardSharesKey } from "./list-board-shares";

/** Stop sharing; takes effect on that person's next request. */
export function deleteBoardShare(share: BoardShareDTO): Promise<void> {
  const board = encodeURIComponent(share.board_id);
  return apiRequest<void>(`api/v1/boards/${board}/shares/${share.kind}/${encodeURIComponent(share.id)}`, {
    method: "DELETE",
  });
}

export function useDeleteBoardShare() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteBoardShare,
    onSuccess: (_result, share) => queryClient.invalidateQueries({ queryKey: boardSharesKey(share.board_id) }),
  });
}
