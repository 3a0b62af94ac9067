import { ActionIcon, Badge, Progress, Stack, Text, Tooltip, UnstyledButton } from "@mantine/core";
import { IconRefresh, IconX } from "@tabler/icons-react";
import { useSession } from "@/hooks/use-session";
import type { SessionQueueItem } from "@/lib/api-types";
import { formatDateTime } from "@/lib/format";
import { progressLabel, type ItemProgress } from "../utils/progress";
import { canRetry } from "../utils/queue-details";
import { describeQueueItem, STATUS_LABELS } from "../utils/queue-items";
import classes from "./queue.module.css";

export function QueueHeaderRow() {
  return (
    <div className={classes.header} aria-hidden>
      <span>#</span>
      <span>Status</span>
      <span>Who</span>
      <span>Prompt</span>
      <span>Queued</span>
      <span />
    </div>
  );
}

/** One item: its number, status (with live progress when it is one's own running item), owner,
 * prompt or error; clicking opens its details. Cancel while live, retry once failed/canceled. */
export function QueueItemRow({
  item,
  progress,
  onOpen,
  onCancel,
  onRetry,
}: {
  item: SessionQueueItem;
  progress: ItemProgress | null;
  onOpen: () => void;
  onCancel: () => void;
  onRetry: () => void;
}) {
  const session = useSession();
  const view = describeQueueItem(item, session);
  const status = STATUS_LABELS[view.status];
  const running = view.status === "in_progress" && !view.redacted;
  const live = running && progress?.itemId === view.itemId ? progress : null;
  const retry = canRetry(item, session.user.user_id, session.user.is_admin);

  return (
    <li className={classes.row} data-testid="queue-item" data-status={view.status}>
      <Text size="sm" c="dimmed" className={classes.cellId}>
        {view.itemId}
      </Text>
      <Stack gap={4} className={classes.cellStatus}>
        <Badge color={status.color} variant={view.status === "in_progress" ? "filled" : "light"}>
          {status.label}
        </Badge>
      </Stack>
      <Text size="sm" fw={view.mine ? 600 : 400} c={view.redacted ? "dimmed" : undefined} truncate className={classes.cellWho}>
        {view.owner}
      </Text>
      <div className={classes.cellPrompt}>
        {view.redacted ? (
          <Text size="sm" c="dimmed" fs="italic">
            Hidden
          </Text>
        ) : (
          <UnstyledButton className={classes.open} onClick={onOpen} aria-label={`Details of item ${view.itemId}`} w="100%">
            <Stack gap={2}>
              <Text size="sm" lineClamp={2}>
                {view.prompt ?? "—"}
              </Text>
              {(view.details || view.error) && (
                <Text size="xs" c={view.error ? "red" : "dimmed"} lineClamp={2} data-testid={view.error ? "queue-item-error" : undefined}>
                  {view.error ?? view.details}
                </Text>
              )}
              {running && (
                <Progress
                  value={live?.percentage != null ? live.percentage * 100 : 100}
                  animated={live?.percentage == null}
                  striped={live?.percentage == null}
                  size="sm"
                  aria-label={`Progress of item ${view.itemId}: ${progressLabel(live)}`}
                  data-testid="queue-item-progress"
                  data-percent={live?.percentage != null ? Math.round(live.percentage * 100) : ""}
                />
              )}
              {running && (
                <Text size="xs" c="dimmed">
                  {progressLabel(live)}
                </Text>
              )}
            </Stack>
          </UnstyledButton>
        )}
      </div>
      <Text size="sm" className={classes.cellTime} c="dimmed" style={{ whiteSpace: "nowrap" }}>
        {formatDateTime(item.created_at)}
      </Text>
      <div className={classes.actions}>
        {retry && (
          <Tooltip label="Retry">
            <ActionIcon variant="subtle" aria-label={`Retry item ${view.itemId}`} onClick={onRetry}>
              <IconRefresh size={18} />
            </ActionIcon>
          </Tooltip>
        )}
        {view.canCancel && (
          <Tooltip label="Cancel">
            <ActionIcon variant="subtle" color="red" aria-label={`Cancel item ${view.itemId}`} onClick={onCancel}>
              <IconX size={18} />
            </ActionIcon>
          </Tooltip>
        )}
      </div>
    </li>
  );
}
