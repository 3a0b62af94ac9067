import { notifyError, notifySuccess } from "@/components/notify";
import type { ImageDTO } from "@/lib/api-types";
import { useDeleteImage } from "../api/delete-image";
import { useMoveImage } from "../api/move-image";
import { useStarImage } from "../api/star-image";

/** Star, move and delete with user-facing success and error messages. */
export function useImageActions() {
  const star = useStarImage();
  const move = useMoveImage();
  const remove = useDeleteImage();

  return {
    busy: star.isPending || move.isPending || remove.isPending,
    toggleStar: (image: ImageDTO) =>
      star.mutate(
        { imageName: image.image_name, starred: !image.starred },
        { onError: (error) => notifyError(image.starred ? "Could not unstar" : "Could not star", error) },
      ),
    moveTo: (image: ImageDTO, boardId: string, boardName: string, onDone?: () => void) =>
      move.mutate(
        { imageName: image.image_name, boardId },
        {
          onSuccess: () => {
            notifySuccess(`Moved to ${boardName}`);
            onDone?.();
          },
          onError: (error) => notifyError("Could not move the image", error),
        },
      ),
    remove: (image: ImageDTO, onDone?: () => void) =>
      remove.mutate(image.image_name, {
        onSuccess: () => {
          notifySuccess("Image deleted");
          onDone?.();
        },
        onError: (error) => notifyError("Could not delete the image", error),
      }),
  };
}
