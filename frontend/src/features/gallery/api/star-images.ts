import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { components } from "@/api/schema.gen";
import { imagesKey } from "./list-images";

type Schemas = components["schemas"];

/** Stars or unstars several images; answers with the names changed (others are skipped). */
export async function starImages(imageNames: string[], starred: boolean): Promise<string[]> {
  const json = { image_names: imageNames };
  if (starred) {
    return (await apiRequest<Schemas["StarredImagesResult"]>("api/v1/images/star", { method: "POST", json })).starred_images;
  }
  return (await apiRequest<Schemas["UnstarredImagesResult"]>("api/v1/images/unstar", { method: "POST", json })).unstarred_images;
}

export function useStarImages() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ imageNames, starred }: { imageNames: string[]; starred: boolean }) => starImages(imageNames, starred),
    onSettled: () => queryClient.invalidateQueries({ queryKey: imagesKey }),
  });
}
