import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { ImageCategory, ImageListPage } from "@/lib/api-types";

export const imagesKey = ["images"] as const;
export const PAGE_SIZE = 60;

/** One page of a board's images (`boardId` "none" = Uncategorized), starred first, newest first;
 * `search` keeps those whose metadata (the prompt) or name contains it. */
export function listImages(
  boardId: string,
  categories: readonly ImageCategory[] | undefined,
  search: string,
  offset: number,
  limit: number,
  signal?: AbortSignal,
): Promise<ImageListPage> {
  return apiRequest<ImageListPage>("api/v1/images/", {
    query: { board_id: boardId, categories, is_intermediate: false, search_term: search || undefined, offset, limit },
    signal,
  });
}

export function nextOffset(page: ImageListPage): number | undefined {
  const next = page.offset + page.items.length;
  return page.items.length > 0 && next < page.total ? next : undefined;
}

export const imagesQueryOptions = (boardId: string, categories: readonly ImageCategory[] | undefined, search = "") =>
  infiniteQueryOptions({
    queryKey: [...imagesKey, "list", boardId, categories ?? "all", search] as const,
    queryFn: ({ pageParam, signal }) => listImages(boardId, categories, search, pageParam, PAGE_SIZE, signal),
    initialPageParam: 0,
    getNextPageParam: nextOffset,
  });

export function useImages(boardId: string, categories: readonly ImageCategory[] | undefined, search = "") {
  return useInfiniteQuery({ ...imagesQueryOptions(boardId, categories, search), placeholderData: keepPreviousData });
}
