import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { components } from "@/api/schema.gen";
import { boardsKey } from "./list-boards";
import { imagesKey } from "./list-images";

type DeleteImagesResult = components["schemas"]["DeleteImagesResult"];

/** Deletes several images; answers with the names deleted (others are skipped). */
export async function deleteImages(imageNames: string[]): Promise<string[]> {
  const result = await apiRequest<DeleteImagesResult>("api/v1/images/delete", { method: "POST", json: { image_names: imageNames } });
  return result.deleted_images;
}

export function useDeleteImages() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteImages,
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: imagesKey });
      void queryClient.invalidateQueries({ queryKey: boardsKey });
    },
  });
}
