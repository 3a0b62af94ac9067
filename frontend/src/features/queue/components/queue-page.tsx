import { Button, Group, Loader, Modal, Pagination, Paper, Stack, Switch, Text, Title } from "@mantine/core";
import { IconPlayerSkipForward, IconTrash } from "@tabler/icons-react";
import { useState } from "react";
import { DialogActions } from "@/components/dialog-actions";
import { ErrorAlert } from "@/components/error-alert";
import { notifyError, notifySuccess } from "@/components/notify";
import { useSession } from "@/hooks/use-session";
import type { SessionQueueItem } from "@/lib/api-types";
import { plural } from "@/lib/format";
import { useCancelAllExceptCurrent } from "../api/cancel-all-except-current";
import { useCancelBatches } from "../api/cancel-batches";
import { useCancelQueueItem } from "../api/cancel-queue-item";
import { useClearQueue } from "../api/clear-queue";
import { useQueueStatus } from "../api/get-queue-status";
import { useQueueItems } from "../api/list-queue-items";
import { useRetryQueueItems } from "../api/retry-queue-items";
import { useRunningProgress } from "../hooks/use-running-progress";
import { groupByBatch, pageWindow, type BatchGroup } from "../utils/queue-details";
import { hasClearableItems, isLive, sortQueueItems } from "../utils/queue-items";
import { ProcessorControls } from "./processor-controls";
import { QueueCounts } from "./queue-counts";
import { QueueItemDetails } from "./queue-item-details";
import { QueueHeaderRow, QueueItemRow } from "./queue-item-row";
import classes from "./queue.module.css";
import { WorkersPanel } from "./workers-panel";

/** Everyone's place in line, a page at a time: own items in full, others' as "another user"
 * (administrators see all); live progress of one's running item; details, retry, cancel (one
 * item, a batch, or all waiting), clear, and for administrators pause and resume and the Workers
 * panel. */
export function QueuePage() {
  const session = useSession();
  const [page, setPage] = useState(1);
  const [grouped, setGrouped] = useState(false);
  const [openItem, setOpenItem] = useState<number | null>(null);
  const [clearing, setClearing] = useState(false);
  const total = useQueueStatus().data?.queue.total ?? 0;
  const span = pageWindow(total, page);
  const items = useQueueItems(span.offset, span.limit);
  const progress = useRunningProgress();
  const cancel = useCancelQueueItem();
  const retry = useRetryQueueItems();
  const cancelWaiting = useCancelAllExceptCurrent();
  const cancelBatch = useCancelBatches();
  const sorted = sortQueueItems(items.data ?? []);
  const admin = session.user.is_admin;
  const waiting = sorted.some((item) => item.status === "pending" && (admin || item.user_id === session.user.user_id));

  const cancelItem = (itemId: number) =>
    cancel.mutate(itemId, { onError: (error) => notifyError("Could not cancel the item", error) });
  const retryItem = (itemId: number) =>
    retry.mutate([itemId], {
      onSuccess: (result) =>
        result.retried_item_ids.length
          ? notifySuccess(`Item ${itemId} queued again`)
          : notifyError("Nothing to retry", new Error("The item is no longer failed or canceled.")),
      onError: (error) => notifyError("Could not retry the item", error),
    });
  const cancelAllWaiting = () =>
    cancelWaiting.mutate(undefined, {
      onSuccess: (result) => notifySuccess(`Canceled ${plural(result.canceled, "waiting item")}`),
      onError: (error) => notifyError("Could not cancel the waiting items", error),
    });
  const cancelGroup = (batchId: string) =>
    cancelBatch.mutate([batchId], {
      onSuccess: (result) => notifySuccess(`Canceled ${plural(result.canceled, "item")} of the batch`),
      onError: (error) => notifyError("Could not cancel the batch", error),
    });

  const row = (item: SessionQueueItem) => (
    <QueueItemRow
      key={item.item_id}
      item={item}
      progress={progress}
      onOpen={() => setOpenItem(item.item_id)}
      onCancel={() => cancelItem(item.item_id)}
      onRetry={() => retryItem(item.item_id)}
    />
  );

  return (
    <Stack p={{ base: "sm", sm: "lg" }} gap="lg" maw={1200} mx="auto" w="100%">
      <Group justify="space-between" align="flex-start">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Title order={1} size="h2">
            Queue
          </Title>
          <QueueCounts />
        </Stack>
        <Group gap="xs">
          {admin && <ProcessorControls />}
          <Button
            variant="default"
            leftSection={<IconPlayerSkipForward size={16} />}
            onClick={cancelAllWaiting}
            loading={cancelWaiting.isPending}
            disabled={!waiting}
          >
            Cancel all except current
          </Button>
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
      <Switch label="Group by batch" checked={grouped} onChange={(event) => setGrouped(event.currentTarget.checked)} />
      <ErrorAlert error={items.error} title="Could not load the queue" />
      <Paper withBorder radius="md">
        {items.isPending ? (
          <Group justify="center" p="xl">
            <Loader aria-label="Loading the queue" />
          </Group>
        ) : (
          <>
            <QueueHeaderRow />
            {sorted.length === 0 && (
              <Text c="dimmed" ta="center" py="md">
                The queue is empty.
              </Text>
            )}
            {grouped ? (
              groupByBatch(sorted).map((group) => (
                <section key={group.batchId} aria-label={group.redacted ? "Other users' items" : `Batch ${group.batchId}`} data-testid="queue-batch">
                  <BatchHeader
                    group={group}
                    canCancel={!group.redacted && group.items.some((item) => isLive(item.status))}
                    onCancel={() => cancelGroup(group.batchId)}
                  />
                  <ul className={classes.list}>{group.items.map(row)}</ul>
                </section>
              ))
            ) : (
              <ul className={classes.list} aria-label="Queue items">
                {sorted.map(row)}
              </ul>
            )}
          </>
        )}
      </Paper>
      {span.pages > 1 && (
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            {span.offset + 1}–{Math.min(span.offset + span.limit, total)} of {plural(total, "item")}
          </Text>
          <nav aria-label="Queue pages">
            <Pagination total={span.pages} value={span.page} onChange={setPage} size="sm" />
          </nav>
        </Group>
      )}
      {openItem !== null && (
        <QueueItemDetails itemId={openItem} onClose={() => setOpenItem(null)} onCancel={cancelItem} onRetry={retryItem} />
      )}
      {admin && <WorkersPanel />}
      {clearing && <ClearQueueModal admin={admin} onClose={() => setClearing(false)} />}
    </Stack>
  );
}

function BatchHeader({ group, canCancel, onCancel }: { group: BatchGroup; canCancel: boolean; onCancel: () => void }) {
  const done = group.items.filter((item) => item.status === "completed").length;
  return (
    <div className={classes.batchHeader}>
      <Text size="sm" fw={600}>
        {group.redacted ? "Other users" : `Batch ${group.batchId.slice(0, 8)}`}
      </Text>
      <Text size="xs" c="dimmed">
        {plural(group.items.length, "item")}
        {!group.redacted && ` · ${done} done`}
      </Text>
      {canCancel && (
        <Button size="compact-xs" variant="subtle" color="red" onClick={onCancel} ml="auto">
          Cancel batch
        </Button>
      )}
    </div>
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
        <DialogActions
          onCancel={onClose}
          confirmLabel={admin ? "Clear queue" : "Clear my items"}
          onConfirm={confirm}
          danger
          loading={clear.isPending}
        />
      </Stack>
    </Modal>
  );
}
