import { Alert, Anchor, Badge, Button, Code, Drawer, Group, Loader, Spoiler, Stack, Table, Text, Title } from "@mantine/core";
import { IconAlertTriangle, IconRefresh, IconX } from "@tabler/icons-react";
import { Link } from "react-router";
import { ErrorAlert } from "@/components/error-alert";
import { useSession } from "@/hooks/use-session";
import { resolveAppUrl } from "@/lib/app-root";
import type { SessionQueueItem } from "@/lib/api-types";
import { formatDateTime } from "@/lib/format";
import { useQueueItem } from "../api/get-queue-item";
import { canRetry, errorTitle, itemImageNames, itemParameters } from "../utils/queue-details";
import { describeQueueItem, STATUS_LABELS } from "../utils/queue-items";
import classes from "./queue.module.css";

/** An item's details in a side drawer: status and times, the parameters it was made with, its
 * error (administrators also see the exception and traceback), and the images it made. */
export function QueueItemDetails({
  itemId,
  onClose,
  onCancel,
  onRetry,
}: {
  itemId: number;
  onClose: () => void;
  onCancel: (itemId: number) => void;
  onRetry: (itemId: number) => void;
}) {
  const item = useQueueItem(itemId);
  return (
    <Drawer opened onClose={onClose} position="right" size="md" title={<Title order={2} size="h4">Item {itemId}</Title>}>
      {item.isPending && <Loader aria-label="Loading the item" />}
      <ErrorAlert error={item.error} title="Could not load the item" />
      {item.data && <Details item={item.data} onCancel={onCancel} onRetry={onRetry} />}
    </Drawer>
  );
}

function Details({
  item,
  onCancel,
  onRetry,
}: {
  item: SessionQueueItem;
  onCancel: (itemId: number) => void;
  onRetry: (itemId: number) => void;
}) {
  const session = useSession();
  const view = describeQueueItem(item, session);
  const status = STATUS_LABELS[view.status];
  const parameters = itemParameters(item);
  const images = itemImageNames(item);
  const admin = session.user.is_admin;

  return (
    <Stack gap="md" data-testid="queue-item-details">
      <Group gap="xs">
        <Badge color={status.color}>{status.label}</Badge>
        <Text size="sm">{view.owner}</Text>
      </Group>
      <Text size="sm" c="dimmed">
        Queued {formatDateTime(item.created_at)}
        {item.started_at && ` · started ${formatDateTime(item.started_at)}`}
        {item.completed_at && ` · finished ${formatDateTime(item.completed_at)}`}
      </Text>
      {item.retried_from_item_id != null && (
        <Text size="sm" c="dimmed">
          A retry of item {item.retried_from_item_id}.
        </Text>
      )}
      {item.error_message && (
        <Alert color="red" icon={<IconAlertTriangle />} title={errorTitle(item.error_type)} data-testid="queue-item-error-detail">
          <Text size="sm">{item.error_message}</Text>
        </Alert>
      )}
      {admin && item.error_traceback && (
        <Spoiler maxHeight={0} showLabel="Show traceback" hideLabel="Hide traceback">
          <Code block style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
            {item.error_traceback}
          </Code>
        </Spoiler>
      )}
      <Group gap="xs">
        {canRetry(item, session.user.user_id, admin) && (
          <Button leftSection={<IconRefresh size={16} />} onClick={() => onRetry(item.item_id)}>
            Retry
          </Button>
        )}
        {view.canCancel && (
          <Button color="red" variant="light" leftSection={<IconX size={16} />} onClick={() => onCancel(item.item_id)}>
            Cancel
          </Button>
        )}
      </Group>
      {images.length > 0 && (
        <Stack gap="xs">
          <Title order={3} size="h5">
            Images
          </Title>
          <div className={classes.thumbs}>
            {images.map((name) => (
              <Anchor key={name} component={Link} to={`/gallery?image=${encodeURIComponent(name)}`} aria-label={`Open image ${name}`}>
                <img className={classes.thumb} src={resolveAppUrl(`api/v1/images/i/${encodeURIComponent(name)}/thumbnail`)} alt="" />
              </Anchor>
            ))}
          </div>
        </Stack>
      )}
      {parameters.length > 0 && (
        <Stack gap="xs">
          <Title order={3} size="h5">
            Parameters
          </Title>
          <Table withRowBorders={false} verticalSpacing={4} aria-label="Parameters" layout="fixed">
            <Table.Tbody>
              {parameters.map((parameter) => (
                <Table.Tr key={parameter.label}>
                  <Table.Th w="35%" fw={500} c="dimmed" style={{ verticalAlign: "top" }}>
                    {parameter.label}
                  </Table.Th>
                  <Table.Td style={{ wordBreak: "break-word" }}>{parameter.value}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
    </Stack>
  );
}
