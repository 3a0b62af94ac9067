import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { BoardDTO } from "@/lib/api-types";
import { boardsKey } from "./list-boards";

export function getBoard(boardId: string, signal?: AbortSignal): Promise<BoardDTO> {
  return apiRequest<BoardDTO>(`api/v1/boards/${encodeURIComponent(boardId)}`, { signal });
}

export const boardQueryOptions = (boardId: string) =>
  queryOptions({
    queryKey: [...boardsKey, "one", boardId] as const,
    queryFn: ({ signal }) => getBoard(boardId, signal),
  });

/** A board that is not in the loaded list (archived and hidden, or opened by link). */
export function useBoard(boardId: string, enabled: boolean) {
  return useQuery({ ...boardQueryOptions(boardId), enabled });
}
