import { useState, type DragEvent } from "react";
import { notifyError, notifySuccess } from "@/components/notify";
import { plural } from "@/lib/format";
import { useMoveImages } from "../api/move-images";
import { IMAGE_DRAG_TYPE, namesFromDrop } from "../utils/selection";

/** Makes a board row a drop target for gallery images (InvokeAI's add-to-board routes; "none"
 * takes them off their board). `enabled`: whether the caller may put images there. */
export function useBoardDrop(boardId: string, boardName: string, enabled: boolean) {
  const move = useMoveImages();
  const [over, setOver] = useState(false);
  const isImageDrag = (event: DragEvent) => Array.from(event.dataTransfer.types).includes(IMAGE_DRAG_TYPE);
  if (!enabled) return { over: false, handlers: {} };
  return {
    over,
    handlers: {
      onDragOver: (event: DragEvent) => {
        if (!isImageDrag(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        setOver(true);
      },
      onDragLeave: (event: DragEvent) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOver(false);
      },
      onDrop: (event: DragEvent) => {
        setOver(false);
        const names = namesFromDrop((type) => event.dataTransfer.getData(type));
        if (names.length === 0) return;
        event.preventDefault();
        move.mutate(
          { imageNames: names, boardId },
          {
            onSuccess: (moved) =>
              moved.length
                ? notifySuccess(`Moved ${plural(moved.length, "image")} to ${boardName}`)
                : notifyError("Nothing was moved", new Error("You may not move these images there.")),
            onError: (error) => notifyError(`Could not move to ${boardName}`, error),
          },
        );
      },
    },
  };
}
