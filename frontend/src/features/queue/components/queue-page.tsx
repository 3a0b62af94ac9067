import { ActionIcon, Badge, Button, Group, Loader, Modal, Paper, Stack, Table, Text, Title, Tooltip, VisuallyHidden } from "@mantine/core";
import { IconTrash, IconX } from "@tabler/icons-react";
import { useState } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { notifyError, notifySuccess } from "@/components/notify";
import { useSession } from "@/hooks/use-session";
import { formatDateTime, plural } from "@/lib/format";
import { useCancelQueueItem } from "../api/cancel-queue-item";
import { useClearQueue } from "../api/clear-queue";
import { useQueueItems } from "../api/list-queue-items";
import { describeQueueItem, hasClearableItems, sortQueueItems, STATUS_LABELS } from "../utils/queue-items";
import { QueueCounts } from "./queue-counts";
import { ProcessorControls } from "./processor-controls";

const SHOWN = 200;

/** Everyone's place in line: own items in full, others' as "another user" (administrators see
 * all); cancel, clear, and for administrators pause and resume. Kept live by socket events. */
export function QueuePage() {
  const session = useSession();
  const items = useQueueItems();
  const cancel = useCancelQueueItem();
  const [clearing, setClearing] = useState(false);
  const sorted = sortQueueItems(items.data ?? []);
  const admin = session.user.is_admin;

  const cancelItem = (itemId: number) =>
    cancel.mutate(itemId, { onError: (error) => notifyError("Could not cancel the item", error) });

  return (
    <Stack p="lg" gap="lg" maw={1200} mx="auto" w="100%">
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Title order={1} size="h2">
            Queue
          </Title>
          <QueueCounts />
        </Stack>
        <Group gap="xs">
          {admin && <ProcessorControls />}
          <Button
            variant="default"
            color="red"
            leftSection={<IconTrash size={16} />}
            onClick={() => setClearing(true)}
            disabled={!hasClearableItems(sorted, session)}
          >
            {admin ? "Clear queue" : "Clear my items"}
          </Button>
        </Group>
      </Group>
      <ErrorAlert error={items.error} title="Could not load the queue" />
      <Paper withBorder radius="md">
        {items.isPending ? (
          <Group justify="center" p="xl">
            <Loader aria-label="Loading the queue" />
          </Group>
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table verticalSpacing="xs" aria-label="Queue items">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={70}>#</Table.Th>
                  <Table.Th w={110}>Status</Table.Th>
                  <Table.Th w={150}>Who</Table.Th>
                  <Table.Th>Prompt</Table.Th>
                  <Table.Th w={190}>Queued</Table.Th>
                  <Table.Th w={60} ta="right">
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {sorted.slice(0, SHOWN).map((item) => {
                  const view = describeQueueItem(item, session);
                  const status = STATUS_LABELS[view.status];
                  return (
                    <Table.Tr key={item.item_id} data-testid="queue-item" data-status={view.status}>
                      <Table.Td>
                        <Text size="sm" c="dimmed">
                          {view.itemId}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge color={status.color} variant={view.status === "in_progress" ? "filled" : "light"}>
                          {status.label}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" fw={view.mine ? 600 : 400} c={view.redacted ? "dimmed" : undefined}>
                          {view.owner}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        {view.redacted ? (
                          <Text size="sm" c="dimmed" fs="italic">
                            Hidden
                          </Text>
                        ) : (
                          <Stack gap={0}>
                            <Text size="sm" lineClamp={2}>
                              {view.prompt ?? "—"}
                            </Text>
                            {(view.details || view.error) && (
                              <Text size="xs" c={view.error ? "red" : "dimmed"} lineClamp={2}>
                                {view.error ?? view.details}
                              </Text>
                            )}
                          </Stack>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" style={{ whiteSpace: "nowrap" }}>
                          {formatDateTime(item.created_at)}
                        </Text>
                      </Table.Td>
                      <Table.Td ta="right">
                        {view.canCancel && (
                          <Tooltip label="Cancel">
                            <ActionIcon
                              variant="subtle"
                              color="red"
                              aria-label={`Cancel item ${view.itemId}`}
                              onClick={() => cancelItem(view.itemId)}
                            >
                              <IconX size={18} />
                            </ActionIcon>
                          </Tooltip>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
                {sorted.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={6}>
                      <Text c="dimmed" ta="center" py="md">
                        The queue is empty.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      {sorted.length > SHOWN && (
        <Text size="sm" c="dimmed">
          Showing the first {SHOWN} of {plural(sorted.length, "item")}.
        </Text>
      )}
      {clearing && <ClearQueueModal admin={admin} onClose={() => setClearing(false)} />}
    </Stack>
  );
}

function ClearQueueModal({ admin, onClose }: { admin: boolean; onClose: () => void }) {
  const clear = useClearQueue();
  const confirm = () =>
    clear.mutate(undefined, {
      onSuccess: (result) => {
        notifySuccess(`Removed ${plural(result.deleted, "item")} from the queue`);
        onClose();
      },
    });
  return (
    <Modal opened onClose={onClose} title={admin ? "Clear the whole queue?" : "Clear your items?"} centered>
      <Stack>
        <Text size="sm">
          {admin
            ? "Every user's items are removed, and the one running now is canceled."
            : "Your waiting and finished items are removed, and your running one is canceled. Other people's items stay."}{" "}
          Images already made stay in the gallery.
        </Text>
        <ErrorAlert error={clear.error} title="Could not clear the queue" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red" loading={clear.isPending} onClick={confirm}>
            {admin ? "Clear queue" : "Clear my items"}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
