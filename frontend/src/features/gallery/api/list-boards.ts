import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { BoardDTO } from "@/lib/api-types";

export const boardsKey = ["boards"] as const;

/** Every board the caller may see: own, others' shared and public ones (admins: all). */
export function listBoards(includeArchived: boolean, signal?: AbortSignal): Promise<BoardDTO[]> {
  return apiRequest<BoardDTO[]>("api/v1/boards/", {
    query: { all: true, include_archived: includeArchived, order_by: "board_name", direction: "ASC" },
    signal,
  });
}

export const boardsQueryOptions = (includeArchived: boolean) =>
  queryOptions({
    queryKey: [...boardsKey, { includeArchived }] as const,
    queryFn: ({ signal }) => listBoards(includeArchived, signal),
  });

export function useBoards(includeArchived: boolean) {
  return useQuery(boardsQueryOptions(includeArchived));
}
