import { Button, Group, Modal, NativeSelect, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { DialogActions } from "@/components/dialog-actions";
import { useSession } from "@/hooks/use-session";
import type { BoardDTO, ImageDTO } from "@/lib/api-types";
import { useImageActions } from "../hooks/use-image-actions";
import { UNCATEGORIZED } from "../utils/boards";
import { moveTargets } from "../utils/permissions";

export function MoveImageModal({
  image,
  boards,
  onClose,
}: {
  image: ImageDTO;
  boards: readonly BoardDTO[];
  onClose: () => void;
}) {
  const session = useSession();
  const actions = useImageActions();
  const current = boards.find((b) => b.board_id === image.board_id) ?? null;
  const targets = moveTargets(session, image, current, boards);
  const options = targets.map((board) =>
    board === null
      ? { value: UNCATEGORIZED, label: "Uncategorized (no board)" }
      : { value: board.board_id, label: board.board_name },
  );
  const [target, setTarget] = useState<string | null>(options[0]?.value ?? null);
  const label = options.find((o) => o.value === target)?.label ?? "";

  return (
    <Modal opened onClose={onClose} title="Move to board" centered>
      <Stack>
        {options.length === 0 ? (
          <Text size="sm">There is no other board you may put this image on.</Text>
        ) : (
          <NativeSelect
            label="Board"
            data={options}
            value={target ?? undefined}
            onChange={(event) => setTarget(event.currentTarget.value)}
            data-autofocus
          />
        )}
        <DialogActions
          onCancel={onClose}
          confirmLabel="Move"
          onConfirm={() => target && actions.moveTo(image, target, label, onClose)}
          disabled={!target}
          loading={actions.busy}
        />
      </Stack>
    </Modal>
  );
}

export function DeleteImageModal({
  image,
  onClose,
  onDeleted,
}: {
  image: ImageDTO;
  onClose: () => void;
  onDeleted?: () => void;
}) {
  const actions = useImageActions();
  return (
    <Modal opened onClose={onClose} title="Delete this image?" centered>
      <Stack>
        <Text size="sm">The image file and its metadata are deleted. This cannot be undone.</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button
            color="red"
            loading={actions.busy}
            onClick={() =>
              actions.remove(image, () => {
                onClose();
                onDeleted?.();
              })
            }
          >
            Delete image
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
