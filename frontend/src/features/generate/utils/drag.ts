/** The dataTransfer type gallery thumbnails carry when dragged (its data: the image_name). */
export const IMAGE_DRAG_TYPE = "application/x-gesso-image";
