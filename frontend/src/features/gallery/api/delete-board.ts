import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { components } from "@/api/schema.gen";
import { boardsKey } from "./list-boards";
import { imagesKey } from "./list-images";

type DeleteBoardResult = components["schemas"]["DeleteBoardResult"];

/** Without `includeImages` the board's images move to their owners' Uncategorized. */
export function deleteBoard(boardId: string, includeImages: boolean): Promise<DeleteBoardResult> {
  return apiRequest<DeleteBoardResult>(`api/v1/boards/${encodeURIComponent(boardId)}`, {
    method: "DELETE",
    query: { include_images: includeImages },
  });
}

export function useDeleteBoard() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ boardId, includeImages }: { boardId: string; includeImages: boolean }) =>
      deleteBoard(boardId, includeImages),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: boardsKey });
      void queryClient.invalidateQueries({ queryKey: imagesKey });
    },
  });
}
