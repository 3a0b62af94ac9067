import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { BoardDTO } from "@/lib/api-types";
import type { components } from "@/api/schema.gen";
import { boardsKey } from "./list-boards";

export type BoardChanges = components["schemas"]["BoardChanges"];

/** Rename, archive or change visibility (owner or admin). */
export function updateBoard(boardId: string, changes: BoardChanges): Promise<BoardDTO> {
  return apiRequest<BoardDTO>(`api/v1/boards/${encodeURIComponent(boardId)}`, { method: "PATCH", json: changes });
}

export function useUpdateBoard() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ boardId, changes }: { boardId: string; changes: BoardChanges }) => updateBoard(boardId, changes),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: boardsKey }),
  });
}
