import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { boardsKey } from "./list-boards";
import { imagesKey } from "./list-images";

export function addImageToBoard(boardId: string, imageName: string): Promise<unknown> {
  return apiRequest("api/v1/board_images/", { method: "POST", json: { board_id: boardId, image_name: imageName } });
}

export function removeImageFromBoard(imageName: string): Promise<unknown> {
  return apiRequest("api/v1/board_images/", { method: "DELETE", json: { image_name: imageName } });
}

/** Move to another board, or with `boardId` "none" back to Uncategorized. */
export function moveImage(imageName: string, boardId: string): Promise<unknown> {
  return boardId === "none" ? removeImageFromBoard(imageName) : addImageToBoard(boardId, imageName);
}

export function useMoveImage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ imageName, boardId }: { imageName: string; boardId: string }) => moveImage(imageName, boardId),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: imagesKey });
      void queryClient.invalidateQueries({ queryKey: boardsKey });
    },
  });
}
