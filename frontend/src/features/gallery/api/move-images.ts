import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { components } from "@/api/schema.gen";
import { boardsKey } from "./list-boards";
import { imagesKey } from "./list-images";

type Schemas = components["schemas"];

/** Puts several images on a board, or with `boardId` "none" back to Uncategorized; answers with
 * the names moved (images the caller may not move are skipped). */
export async function moveImages(imageNames: string[], boardId: string): Promise<string[]> {
  if (boardId === "none") {
    const removed = await apiRequest<Schemas["RemoveImagesFromBoardResult"]>("api/v1/board_images/batch/delete", {
      method: "POST",
      json: { image_names: imageNames },
    });
    return removed.removed_images;
  }
  const added = await apiRequest<Schemas["AddImagesToBoardResult"]>("api/v1/board_images/batch", {
    method: "POST",
    json: { board_id: boardId, image_names: imageNames },
  });
  return added.added_images;
}

export function useMoveImages() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ imageNames, boardId }: { imageNames: string[]; boardId: string }) => moveImages(imageNames, boardId),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: imagesKey });
      void queryClient.invalidateQueries({ queryKey: boardsKey });
    },
  });
}
