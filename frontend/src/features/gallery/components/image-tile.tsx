import { ActionIcon, Checkbox, Menu } from "@mantine/core";
import { IconArrowsMove, IconDots, IconLayoutBoard, IconStar, IconStarFilled, IconStarOff, IconTrash } from "@tabler/icons-react";
import { useState, type DragEvent, type MouseEvent } from "react";
import { notifyError, notifySuccess } from "@/components/notify";
import { useSession } from "@/hooks/use-session";
import { resolveAppUrl } from "@/lib/app-root";
import type { BoardDTO, ImageDTO } from "@/lib/api-types";
import { useUpdateBoard } from "../api/update-board";
import { useImageActions } from "../hooks/use-image-actions";
import { canChangeImage, canManageBoard, moveTargets } from "../utils/permissions";
import { IMAGE_DRAG_TYPE, IMAGES_DRAG_TYPE, type ClickModifiers } from "../utils/selection";
import classes from "./gallery.module.css";
import { DeleteImageModal, MoveImageModal } from "./image-dialogs";

/** One thumbnail: click opens it; ctrl/cmd- or shift-click (or its checkbox) selects; it can be
 * dragged onto a board (with the rest of the selection when it is selected). */
export function ImageTile({
  image,
  boards,
  selected,
  onOpen,
  onSelect,
  dragNames,
}: {
  image: ImageDTO;
  boards: readonly BoardDTO[];
  selected: boolean;
  onOpen: () => void;
  onSelect: (modifiers: ClickModifiers) => void;
  /** The names a drag of this tile carries. */
  dragNames: () => string[];
}) {
  const session = useSession();
  const actions = useImageActions();
  const updateBoard = useUpdateBoard();
  const [dialog, setDialog] = useState<"move" | "delete" | null>(null);
  const board = boards.find((b) => b.board_id === image.board_id) ?? null;
  const changeable = canChangeImage(session, image, board);
  const movable = moveTargets(session, image, board, boards).length > 0;
  const coverable = board !== null && canManageBoard(session, board) && board.cover_image_name !== image.image_name;

  const click = (event: MouseEvent) => {
    const modifiers = { shift: event.shiftKey, toggle: event.ctrlKey || event.metaKey };
    if (modifiers.shift || modifiers.toggle) {
      event.preventDefault();
      onSelect(modifiers);
    } else onOpen();
  };
  const dragStart = (event: DragEvent) => {
    const names = dragNames();
    event.dataTransfer.setData(IMAGE_DRAG_TYPE, image.image_name);
    event.dataTransfer.setData(IMAGES_DRAG_TYPE, JSON.stringify(names));
    event.dataTransfer.effectAllowed = "copyMove";
  };
  const makeCover = () =>
    board &&
    updateBoard.mutate(
      { boardId: board.board_id, changes: { cover_image_name: image.image_name } },
      {
        onSuccess: () => notifySuccess(`Cover of ${board.board_name} changed`),
        onError: (error) => notifyError("Could not change the cover", error),
      },
    );

  return (
    <div
      className={classes.tile}
      data-testid="image-tile"
      data-selected={selected || undefined}
      draggable
      onDragStart={dragStart}
    >
      <button
        type="button"
        className={classes.tileButton}
        onClick={click}
        aria-label={`Open image ${image.image_name}${image.starred ? " (starred)" : ""}`}
      >
        <img
          className={classes.tileImage}
          src={resolveAppUrl(image.thumbnail_url)}
          alt=""
          loading="lazy"
          width={image.width}
          height={image.height}
        />
      </button>
      {image.starred && <IconStarFilled size={16} className={classes.star} aria-hidden />}
      <Checkbox
        className={classes.tileCheck}
        checked={selected}
        onChange={() => onSelect({ shift: false, toggle: true })}
        aria-label={`Select image ${image.image_name}`}
        size="sm"
      />
      {(changeable || movable || coverable) && (
        <Menu position="bottom-end" withArrow shadow="md">
          <Menu.Target>
            <ActionIcon
              className={classes.tileMenu}
              variant="filled"
              color="dark"
              size="sm"
              aria-label={`Actions for image ${image.image_name}`}
            >
              <IconDots size={14} />
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            {changeable && (
              <Menu.Item
                leftSection={image.starred ? <IconStarOff size={14} /> : <IconStar size={14} />}
                onClick={() => actions.toggleStar(image)}
              >
                {image.starred ? "Unstar" : "Star"}
              </Menu.Item>
            )}
            {movable && (
              <Menu.Item leftSection={<IconArrowsMove size={14} />} onClick={() => setDialog("move")}>
                Move to board…
              </Menu.Item>
            )}
            {coverable && (
              <Menu.Item leftSection={<IconLayoutBoard size={14} />} onClick={makeCover}>
                Use as board cover
              </Menu.Item>
            )}
            {changeable && (
              <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => setDialog("delete")}>
                Delete…
              </Menu.Item>
            )}
          </Menu.Dropdown>
        </Menu>
      )}
      {dialog === "move" && <MoveImageModal image={image} boards={boards} onClose={() => setDialog(null)} />}
      {dialog === "delete" && <DeleteImageModal image={image} onClose={() => setDialog(null)} />}
    </div>
  );
}
