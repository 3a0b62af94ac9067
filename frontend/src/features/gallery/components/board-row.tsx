import { ActionIcon, Badge, Group, Menu, Text, VisuallyHidden } from "@mantine/core";
import {
  IconArchive,
  IconArchiveOff,
  IconCheck,
  IconDots,
  IconInbox,
  IconPencil,
  IconPhoto,
  IconShare,
  IconTrash,
} from "@tabler/icons-react";
import { useState } from "react";
import { Link } from "react-router";
import { notifyError } from "@/components/notify";
import { useSession } from "@/hooks/use-session";
import { resolveAppUrl } from "@/lib/app-root";
import type { BoardDTO, BoardVisibility } from "@/lib/api-types";
import { plural } from "@/lib/format";
import { useUpdateBoard, type BoardChanges } from "../api/update-board";
import { useBoardPath } from "../hooks/gallery-path";
import { useBoardDrop } from "../hooks/use-board-drop";
import { ownerLabel, SHARE_LABELS, VISIBILITY_LABELS } from "../utils/boards";
import { canContributeToBoard, canManageBoard, canOwnBoard } from "../utils/permissions";
import { DeleteBoardModal, RenameBoardModal } from "./board-dialogs";
import { ShareBoardModal } from "./share-board-modal";
import classes from "./gallery.module.css";
import { VisibilityBadge } from "./visibility-badge";

export function thumbnailUrl(imageName: string): string {
  return resolveAppUrl(`api/v1/images/i/${encodeURIComponent(imageName)}/thumbnail`);
}

export function UncategorizedRow({ selected, count }: { selected: boolean; count: number | undefined }) {
  const boardPath = useBoardPath();
  const drop = useBoardDrop("none", "Uncategorized", true);
  return (
    <div className={classes.boardRow} data-drop-over={drop.over || undefined} data-testid="uncategorized-drop" {...drop.handlers}>
      <Link to={boardPath()} className={classes.boardLink} aria-current={selected ? "page" : undefined}>
        <span className={classes.cover}>
          <IconInbox size={20} aria-hidden />
        </span>
        <div style={{ minWidth: 0 }}>
          <Text size="sm" fw={500} truncate>
            Uncategorized
          </Text>
          <Text size="xs" c="dimmed">
            {count === undefined ? "Your images on no board" : plural(count, "image")}
          </Text>
        </div>
      </Link>
    </div>
  );
}

export function BoardRow({ board, selected }: { board: BoardDTO; selected: boolean }) {
  const session = useSession();
  const owner = ownerLabel(board, session.user.user_id);
  const boardPath = useBoardPath();
  const count = board.image_count + board.asset_count;
  const drop = useBoardDrop(board.board_id, board.board_name, canContributeToBoard(session, board));
  return (
    <div className={classes.boardRow} data-drop-over={drop.over || undefined} {...drop.handlers}>
      <Link
        to={boardPath(board.board_id)}
        className={classes.boardLink}
        aria-current={selected ? "page" : undefined}
        data-testid="board-link"
      >
        {board.cover_image_name ? (
          <img className={classes.cover} src={thumbnailUrl(board.cover_image_name)} alt="" loading="lazy" />
        ) : (
          <span className={classes.cover}>
            <IconPhoto size={20} aria-hidden />
          </span>
        )}
        <div style={{ minWidth: 0, flex: 1 }}>
          <Text size="sm" fw={500} truncate>
            {board.board_name}
          </Text>
          <Group gap={4} wrap="nowrap">
            <Text size="xs" c="dimmed" truncate>
              {plural(count, "image")}
              {owner ? ` · ${owner}` : ""}
            </Text>
          </Group>
          <Group gap={4} mt={2}>
            {session.multiuser && <VisibilityBadge visibility={board.board_visibility} />}
            {board.shared_permission && (
              <Badge size="xs" variant="light" color="violet" title="Shared with you">
                Shared with me ({SHARE_LABELS[board.shared_permission]})
              </Badge>
            )}
            {board.archived && (
              <Badge size="xs" variant="outline" color="gray">
                Archived
              </Badge>
            )}
          </Group>
        </div>
      </Link>
      {canManageBoard(session, board) && <BoardMenu board={board} />}
    </div>
  );
}

function BoardMenu({ board }: { board: BoardDTO }) {
  const session = useSession();
  const update = useUpdateBoard();
  const [dialog, setDialog] = useState<"rename" | "delete" | "share" | null>(null);
  const change = (changes: BoardChanges) =>
    update.mutate(
      { boardId: board.board_id, changes },
      { onError: (error) => notifyError(`Could not change “${board.board_name}”`, error) },
    );

  return (
    <>
      <Menu position="right-start" withArrow shadow="md" width={230}>
        <Menu.Target>
          <ActionIcon variant="subtle" color="gray" aria-label={`Actions for board ${board.board_name}`} mr={4}>
            <IconDots size={16} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item leftSection={<IconPencil size={14} />} onClick={() => setDialog("rename")}>
            Rename
          </Menu.Item>
          {session.multiuser && (
            <>
              <Menu.Label>Visibility</Menu.Label>
              {(Object.keys(VISIBILITY_LABELS) as BoardVisibility[]).map((visibility) => (
                <Menu.Item
                  key={visibility}
                  onClick={() => change({ board_visibility: visibility })}
                  leftSection={
                    board.board_visibility === visibility ? <IconCheck size={14} /> : <span style={{ width: 14 }} />
                  }
                >
                  <Text size="sm">
                    {VISIBILITY_LABELS[visibility].label}
                    {board.board_visibility === visibility && <VisuallyHidden> (current)</VisuallyHidden>}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {VISIBILITY_LABELS[visibility].description}
                  </Text>
                </Menu.Item>
              ))}
              <Menu.Divider />
            </>
          )}
          {session.multiuser && (
            <Menu.Item leftSection={<IconShare size={14} />} onClick={() => setDialog("share")}>
              Share…
            </Menu.Item>
          )}
          <Menu.Item
            leftSection={board.archived ? <IconArchiveOff size={14} /> : <IconArchive size={14} />}
            onClick={() => change({ archived: !board.archived })}
          >
            {board.archived ? "Unarchive" : "Archive"}
          </Menu.Item>
          {canOwnBoard(session, board) && (
            <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => setDialog("delete")}>
              Delete…
            </Menu.Item>
          )}
        </Menu.Dropdown>
      </Menu>
      {dialog === "rename" && <RenameBoardModal board={board} onClose={() => setDialog(null)} />}
      {dialog === "delete" && <DeleteBoardModal board={board} onClose={() => setDialog(null)} />}
      {dialog === "share" && <ShareBoardModal board={board} onClose={() => setDialog(null)} />}
    </>
  );
}
