import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { BoardDTO } from "@/lib/api-types";
import { boardsKey } from "./list-boards";

/** New boards are private. */
export function createBoard(boardName: string): Promise<BoardDTO> {
  return apiRequest<BoardDTO>("api/v1/boards/", { method: "POST", query: { board_name: boardName } });
}

export function useCreateBoard() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createBoard,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: boardsKey }),
  });
}
