/** Socket events that change what the gallery shows: a finished image lands on a board (its
 * list, its board's count and cover); after a reconnect, events may have been missed. */
import type { QueryKey } from "@tanstack/react-query";
import { CONNECTED, type InvocationCompleteEvent, type QueueItemStatusChangedEvent } from "@/lib/socket";
import { boardsKey } from "./api/list-boards";
import { imagesKey } from "./api/list-images";

const GALLERY: readonly QueryKey[] = [imagesKey, boardsKey];

export function galleryInvalidations(name: string, payload: unknown): readonly QueryKey[] {
  switch (name) {
    case "invocation_complete":
      return (payload as InvocationCompleteEvent | undefined)?.result?.type === "image_output" ? GALLERY : [];
    case "queue_item_status_changed":
      return (payload as QueueItemStatusChangedEvent | undefined)?.status === "completed" ? GALLERY : [];
    case CONNECTED:
      return GALLERY;
    default:
      return [];
  }
}
