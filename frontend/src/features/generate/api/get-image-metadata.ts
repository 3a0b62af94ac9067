import { useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";

/** An image's generation metadata (core_metadata's fields), or null when it has none. */
export function getImageMetadata(imageName: string, signal?: AbortSignal): Promise<Record<string, unknown> | null> {
  return apiRequest<Record<string, unknown> | null>(`api/v1/images/i/${encodeURIComponent(imageName)}/metadata`, { signal });
}

export function useImageMetadata(imageName: string) {
  return useQuery({
    queryKey: ["generate", "metadata", imageName] as const,
    queryFn: ({ signal }) => getImageMetadata(imageName, signal),
  });
}
