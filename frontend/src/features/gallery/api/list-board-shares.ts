import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { BoardShareDTO } from "@/lib/api-types";

export const boardSharesKey = (boardId: string) => ["boards", boardId, "shares"] as const;

/** Owner, managers and administrators only (403 for anyone else). */
export function listBoardShares(boardId: string, signal?: AbortSignal): Promise<BoardShareDTO[]> {
  return apiRequest<BoardShareDTO[]>(`api/v1/boards/${encodeURIComponent(boardId)}/shares`, { signal });
}

export const boardSharesQueryOptions = (boardId: string) =>
  queryOptions({ queryKey: boardSharesKey(boardId), queryFn: ({ signal }) => listBoardShares(boardId, signal) });

export function useBoardShares(boardId: string) {
  return useQuery(boardSharesQueryOptions(boardId));
}
