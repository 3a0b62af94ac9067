import { useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { ImageDTO } from "@/lib/api-types";

export function getImage(imageName: string, signal?: AbortSignal): Promise<ImageDTO> {
  return apiRequest<ImageDTO>(`api/v1/images/i/${encodeURIComponent(imageName)}`, { signal });
}

/** An image the panel starts from (init or control image): its size and URL. */
export function useImageInfo(imageName: string | null) {
  return useQuery({
    queryKey: ["generate", "image", imageName] as const,
    queryFn: ({ signal }) => getImage(imageName!, signal),
    enabled: imageName !== null,
    retry: false,
  });
}
