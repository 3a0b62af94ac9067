import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { ImageDTO } from "@/lib/api-types";
import { imagesKey } from "./list-images";

export function getImage(imageName: string, signal?: AbortSignal): Promise<ImageDTO> {
  return apiRequest<ImageDTO>(`api/v1/images/i/${encodeURIComponent(imageName)}`, { signal });
}

export const imageQueryOptions = (imageName: string) =>
  queryOptions({
    queryKey: [...imagesKey, "dto", imageName] as const,
    queryFn: ({ signal }) => getImage(imageName, signal),
  });

/** Fetches an image's DTO only when `enabled` (the grid usually has it already). */
export function useImage(imageName: string, enabled: boolean) {
  return useQuery({ ...imageQueryOptions(imageName), enabled });
}
