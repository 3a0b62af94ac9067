import { ActionIcon, Button, Group, Loader, Modal, SegmentedControl, Select, Stack, Table, Text, TextInput } from "@mantine/core";
import { IconX } from "@tabler/icons-react";
import { useState, type FormEvent } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { useSession } from "@/hooks/use-session";
import type { BoardDTO, BoardShareDTO, ShareKind, SharePermission } from "@/lib/api-types";
import { useDeleteBoardShare } from "../api/delete-board-share";
import { useBoardShares } from "../api/list-board-shares";
import { useShareCandidates } from "../api/list-share-candidates";
import { usePutBoardShare } from "../api/put-board-share";
import { SHARE_LABELS } from "../utils/boards";
import { canOwnBoard } from "../utils/permissions";

const PERMISSIONS = (Object.keys(SHARE_LABELS) as SharePermission[]).map((value) => ({
  value,
  label: SHARE_LABELS[value],
}));

/** Who the board is shared with, and (owner, admins) sharing with more people or groups. */
export function ShareBoardModal({ board, onClose }: { board: BoardDTO; onClose: () => void }) {
  const session = useSession();
  const shares = useBoardShares(board.board_id);
  const remove = useDeleteBoardShare();
  const change = usePutBoardShare();
  const mayChange = canOwnBoard(session, board);

  return (
    <Modal opened onClose={onClose} title={`Share “${board.board_name}”`} centered size="lg">
      <Stack>
        <ErrorAlert error={shares.error ?? remove.error ?? change.error} />
        {shares.isPending ? (
          <Loader size="sm" aria-label="Loading shares" />
        ) : (shares.data ?? []).length === 0 ? (
          <Text size="sm" c="dimmed">
            Not shared with anyone yet.
          </Text>
        ) : (
          <Table aria-label="Shared with">
            <Table.Tbody>
              {(shares.data ?? []).map((share) => (
                <ShareRow
                  key={`${share.kind}:${share.id}`}
                  share={share}
                  mayChange={mayChange}
                  onPermission={(permission) =>
                    change.mutate({ boardId: board.board_id, kind: share.kind, id: share.id, permission })
                  }
                  onRemove={() => remove.mutate(share)}
                />
              ))}
            </Table.Tbody>
          </Table>
        )}
        {mayChange && <AddShareForm board={board} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Done
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function ShareRow({
  share,
  mayChange,
  onPermission,
  onRemove,
}: {
  share: BoardShareDTO;
  mayChange: boolean;
  onPermission: (permission: SharePermission) => void;
  onRemove: () => void;
}) {
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm">{share.name}</Text>
        <Text size="xs" c="dimmed">
          {share.kind === "group" ? "Group" : "Person"}
        </Text>
      </Table.Td>
      <Table.Td w={190}>
        {mayChange ? (
          <Select
            size="xs"
            aria-label={`Permission of ${share.name}`}
            data={PERMISSIONS}
            value={share.permission}
            allowDeselect={false}
            onChange={(value) => value && onPermission(value as SharePermission)}
          />
        ) : (
          <Text size="sm">{SHARE_LABELS[share.permission]}</Text>
        )}
      </Table.Td>
      <Table.Td w={40}>
        {mayChange && (
          <ActionIcon variant="subtle" color="gray" aria-label={`Stop sharing with ${share.name}`} onClick={onRemove}>
            <IconX size={16} />
          </ActionIcon>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function AddShareForm({ board }: { board: BoardDTO }) {
  const session = useSession();
  const admin = session.user.is_admin;
  const candidates = useShareCandidates(admin);
  const add = usePutBoardShare();
  const [kind, setKind] = useState<ShareKind>("user");
  const [who, setWho] = useState<string | null>("");
  const [permission, setPermission] = useState<SharePermission>("view");

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const id = (who ?? "").trim();
    if (!id) return;
    add.mutate({ boardId: board.board_id, kind, id, permission }, { onSuccess: () => setWho("") });
  };

  const people = (candidates.data?.users ?? [])
    .filter((user) => user.user_id !== board.user_id)
    .map((user) => ({ value: user.user_id, label: user.display_name ? `${user.display_name} (${user.email})` : user.email }));
  const groups = (candidates.data?.groups ?? []).map((group) => ({ value: group.group_id, label: group.name }));

  return (
    <form onSubmit={submit} aria-label="Share with">
      <Stack gap="xs">
        {admin && (
          <SegmentedControl
            size="xs"
            value={kind}
            onChange={(value) => {
              setKind(value as ShareKind);
              setWho("");
            }}
            data={[
              { value: "user", label: "A person" },
              { value: "group", label: "A group" },
            ]}
          />
        )}
        <Group align="flex-end" wrap="nowrap">
          {admin ? (
            <Select
              flex={1}
              label={kind === "user" ? "Person" : "Group"}
              placeholder={kind === "user" ? "Pick a person" : "Pick a group"}
              searchable
              data={kind === "user" ? people : groups}
              value={who || null}
              onChange={setWho}
            />
          ) : (
            <TextInput
              flex={1}
              label="Person"
              placeholder="Their e-mail address"
              value={who ?? ""}
              onChange={(e) => setWho(e.currentTarget.value)}
            />
          )}
          <Select
            w={170}
            label="Permission"
            data={PERMISSIONS}
            value={permission}
            allowDeselect={false}
            onChange={(value) => value && setPermission(value as SharePermission)}
          />
          <Button type="submit" loading={add.isPending} disabled={!(who ?? "").trim()}>
            Share
          </Button>
        </Group>
        <ErrorAlert error={add.error} />
      </Stack>
    </form>
  );
}
