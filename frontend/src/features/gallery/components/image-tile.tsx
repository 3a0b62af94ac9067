import { ActionIcon, Menu } from "@mantine/core";
import { IconArrowsMove, IconDots, IconStar, IconStarFilled, IconStarOff, IconTrash } from "@tabler/icons-react";
import { useState } from "react";
import { useSession } from "@/hooks/use-session";
import { resolveAppUrl } from "@/lib/app-root";
import type { BoardDTO, ImageDTO } from "@/lib/api-types";
import { useImageActions } from "../hooks/use-image-actions";
import { canChangeImage, moveTargets } from "../utils/permissions";
import classes from "./gallery.module.css";
import { DeleteImageModal, MoveImageModal } from "./image-dialogs";

export function ImageTile({
  image,
  boards,
  onOpen,
}: {
  image: ImageDTO;
  boards: readonly BoardDTO[];
  onOpen: () => void;
}) {
  const session = useSession();
  const actions = useImageActions();
  const [dialog, setDialog] = useState<"move" | "delete" | null>(null);
  const board = boards.find((b) => b.board_id === image.board_id) ?? null;
  const changeable = canChangeImage(session, image, board);
  const movable = moveTargets(session, image, board, boards).length > 0;

  return (
    <div className={classes.tile} data-testid="image-tile">
      <button
        type="button"
        className={classes.tileButton}
        onClick={onOpen}
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
      {(changeable || movable) && (
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
