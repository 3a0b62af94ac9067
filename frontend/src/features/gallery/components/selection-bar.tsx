import { Button, Group, Menu, Modal, Stack, Text } from "@mantine/core";
import { IconArrowsMove, IconDownload, IconStar, IconStarOff, IconTrash, IconX } from "@tabler/icons-react";
import { useState } from "react";
import { DialogActions } from "@/components/dialog-actions";
import { notifyError, notifySuccess } from "@/components/notify";
import { useSession } from "@/hooks/use-session";
import type { BoardDTO } from "@/lib/api-types";
import { plural } from "@/lib/format";
import { useDeleteImages } from "../api/delete-images";
import { useDownloadImages } from "../api/download-images";
import { useMoveImages } from "../api/move-images";
import { useStarImages } from "../api/star-images";
import { canContributeToBoard } from "../utils/permissions";
import classes from "./gallery.module.css";

function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** What can be done to the selected images at once: move to a board, star, unstar, download as
 * a zip, delete. The server skips images the caller may not change; the messages say how many
 * were changed. */
export function SelectionBar({
  names,
  boards,
  currentBoardId,
  onClear,
}: {
  names: string[];
  boards: readonly BoardDTO[];
  currentBoardId: string;
  onClear: () => void;
}) {
  const session = useSession();
  const star = useStarImages();
  const move = useMoveImages();
  const remove = useDeleteImages();
  const download = useDownloadImages();
  const [confirming, setConfirming] = useState(false);
  const targets = boards.filter((b) => b.board_id !== currentBoardId && !b.archived && canContributeToBoard(session, b));
  const count = plural(names.length, "image");
  const changed = (done: string[], verb: string) =>
    done.length ? notifySuccess(`${verb} ${plural(done.length, "image")}`) : notifyError(`Nothing was ${verb.toLowerCase()}`, new Error("You may not change these images."));

  const setStar = (starred: boolean) =>
    star.mutate(
      { imageNames: names, starred },
      { onSuccess: (done) => changed(done, starred ? "Starred" : "Unstarred"), onError: (e) => notifyError("Could not change the stars", e) },
    );
  const moveTo = (boardId: string, boardName: string) =>
    move.mutate(
      { imageNames: names, boardId },
      {
        onSuccess: (done) => {
          changed(done, `Moved to ${boardName}:`);
          onClear();
        },
        onError: (e) => notifyError(`Could not move to ${boardName}`, e),
      },
    );
  const zip = () =>
    download.mutate(names, {
      onSuccess: ({ blob, fileName }) => saveBlob(blob, fileName),
      onError: (e) => notifyError("Could not download the images", e),
    });

  return (
    <div className={classes.selectionBar} role="toolbar" aria-label="Selected images" data-testid="selection-bar">
      <Text size="sm" fw={600} mr="xs">
        {names.length} selected
      </Text>
      <Group gap={6}>
        <Menu position="bottom-start" shadow="md">
          <Menu.Target>
            <Button size="compact-sm" variant="default" leftSection={<IconArrowsMove size={14} />} loading={move.isPending}>
              Move to…
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            {currentBoardId !== "none" && <Menu.Item onClick={() => moveTo("none", "Uncategorized")}>Uncategorized</Menu.Item>}
            {targets.map((board) => (
              <Menu.Item key={board.board_id} onClick={() => moveTo(board.board_id, board.board_name)}>
                {board.board_name}
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
        <Button size="compact-sm" variant="default" leftSection={<IconStar size={14} />} onClick={() => setStar(true)} loading={star.isPending}>
          Star
        </Button>
        <Button size="compact-sm" variant="default" leftSection={<IconStarOff size={14} />} onClick={() => setStar(false)}>
          Unstar
        </Button>
        <Button size="compact-sm" variant="default" leftSection={<IconDownload size={14} />} onClick={zip} loading={download.isPending}>
          Download zip
        </Button>
        <Button size="compact-sm" variant="light" color="red" leftSection={<IconTrash size={14} />} onClick={() => setConfirming(true)}>
          Delete
        </Button>
        <Button size="compact-sm" variant="subtle" leftSection={<IconX size={14} />} onClick={onClear}>
          Clear selection
        </Button>
      </Group>
      {confirming && (
        <Modal opened onClose={() => setConfirming(false)} title={`Delete ${count}?`} centered>
          <Stack>
            <Text size="sm">They are removed from the gallery and from disk. This cannot be undone.</Text>
            <DialogActions
              onCancel={() => setConfirming(false)}
              confirmLabel={`Delete ${count}`}
              onConfirm={() =>
                remove.mutate(names, {
                  onSuccess: (done) => {
                    changed(done, "Deleted");
                    setConfirming(false);
                    onClear();
                  },
                  onError: (e) => notifyError("Could not delete the images", e),
                })
              }
              danger
              loading={remove.isPending}
            />
          </Stack>
        </Modal>
      )}
    </div>
  );
}
