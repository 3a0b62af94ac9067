import { Checkbox, Modal, Stack, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState, type FormEvent } from "react";
import { useNavigate, useParams } from "react-router";
import { DialogActions } from "@/components/dialog-actions";
import { ErrorAlert } from "@/components/error-alert";
import { useSession } from "@/hooks/use-session";
import type { BoardDTO } from "@/lib/api-types";
import { useCreateBoard } from "../api/create-board";
import { useDeleteBoard } from "../api/delete-board";
import { useUpdateBoard } from "../api/update-board";
import { useBoardPath } from "../hooks/gallery-path";

/** The name field of the new-board and rename dialogs. */
function BoardNameInput({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  return (
    <TextInput
      label="Board name"
      data-autofocus
      required
      maxLength={300}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
    />
  );
}

export function CreateBoardModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: (board: BoardDTO) => void;
}) {
  const [name, setName] = useState("");
  const create = useCreateBoard();
  const close = () => {
    setName("");
    create.reset();
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    create.mutate(name.trim(), {
      onSuccess: (board) => {
        close();
        onCreated(board);
      },
    });
  };
  return (
    <Modal opened={opened} onClose={close} title="New board" centered>
      <form onSubmit={submit}>
        <Stack>
          <BoardNameInput value={name} onChange={setName} />
          <Text size="xs" c="dimmed">
            New boards are private until you share them.
          </Text>
          <ErrorAlert error={create.error} />
          <DialogActions
            onCancel={close}
            confirmLabel="Create board"
            loading={create.isPending}
            disabled={!name.trim()}
          />
        </Stack>
      </form>
    </Modal>
  );
}

export function RenameBoardModal({ board, onClose }: { board: BoardDTO; onClose: () => void }) {
  const [name, setName] = useState(board.board_name);
  const update = useUpdateBoard();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    update.mutate({ boardId: board.board_id, changes: { board_name: name.trim() } }, { onSuccess: onClose });
  };
  return (
    <Modal opened onClose={onClose} title="Rename board" centered>
      <form onSubmit={submit}>
        <Stack>
          <BoardNameInput value={name} onChange={setName} />
          <ErrorAlert error={update.error} />
          <DialogActions onCancel={onClose} confirmLabel="Rename" loading={update.isPending} disabled={!name.trim()} />
        </Stack>
      </form>
    </Modal>
  );
}

export function DeleteBoardModal({ board, onClose }: { board: BoardDTO; onClose: () => void }) {
  const session = useSession();
  const [includeImages, setIncludeImages] = useState(false);
  const remove = useDeleteBoard();
  const navigate = useNavigate();
  const { boardId: selected } = useParams();
  const boardPath = useBoardPath();
  const foreign = board.user_id !== session.user.user_id;
  const confirm = () =>
    remove.mutate(
      { boardId: board.board_id, includeImages },
      {
        onSuccess: (result) => {
          notifications.show({
            color: "teal",
            message: `Deleted “${board.board_name}”${result.deleted_images.length ? ` and ${result.deleted_images.length} images` : ""}`,
          });
          onClose();
          if (selected === board.board_id) void navigate(boardPath(), { replace: true });
        },
      },
    );
  return (
    <Modal opened onClose={onClose} title={`Delete “${board.board_name}”?`} centered>
      <Stack>
        <Text size="sm">
          {includeImages
            ? foreign && !session.user.is_admin
              ? "The board and your images on it are deleted; other people's images go back to their Uncategorized."
              : "The board and every image on it are deleted. This cannot be undone."
            : "The board is deleted; its images move to their owners' Uncategorized."}
        </Text>
        <Checkbox
          label="Also delete the images on this board"
          checked={includeImages}
          onChange={(e) => setIncludeImages(e.currentTarget.checked)}
        />
        <ErrorAlert error={remove.error} />
        <DialogActions
          onCancel={onClose}
          confirmLabel="Delete board"
          onConfirm={confirm}
          danger
          loading={remove.isPending}
        />
      </Stack>
    </Modal>
  );
}
