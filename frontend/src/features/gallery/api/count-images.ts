import { queryOptions, useQuery } from "@tanstack/react-query";
import { listImages, imagesKey } from "./list-images";

/** How many images a board holds (used for Uncategorized, which has no board record). */
export const imageCountQueryOptions = (boardId: string) =>
  queryOptions({
    queryKey: [...imagesKey, "count", boardId] as const,
    queryFn: async ({ signal }) => (await listImages(boardId, undefined, "", 0, 1, signal)).total,
  });

export function useImageCount(boardId: string) {
  return useQuery(imageCountQueryOptions(boardId));
}
