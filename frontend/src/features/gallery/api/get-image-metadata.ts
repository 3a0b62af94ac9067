import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { imagesKey } from "./list-images";

export type ImageMetadata = Record<string, unknown>;

/** The generation parameters stored with an image, or null when it has none (uploads). */
export function getImageMetadata(imageName: string, signal?: AbortSignal): Promise<ImageMetadata | null> {
  return apiRequest<ImageMetadata | null>(`api/v1/images/i/${encodeURIComponent(imageName)}/metadata`, { signal });
}

export const imageMetadataQueryOptions = (imageName: string) =>
  queryOptions({
    queryKey: [...imagesKey, "metadata", imageName] as const,
    queryFn: async ({ signal }) => (await getImageMetadata(imageName, signal)) ?? null,
    staleTime: Infinity,
  });

export function useImageMetadata(imageName: string) {
  return useQuery(imageMetadataQueryOptions(imageName));
}
