import { Badge, Group, Text } from "@mantine/core";
import { useSession } from "@/hooks/use-session";
import { useQueueStatus } from "../api/get-queue-status";
import { queueCountsText } from "../utils/queue-items";

/** The queue's counts from GET status (with the caller's own in multi-user mode), and a badge
 * while the processor is paused. `compact`: one short line for the Generate panel. */
export function QueueCounts({ compact = false }: { compact?: boolean }) {
  const { multiuser } = useSession();
  const status = useQueueStatus();
  if (!status.data) {
    return (
      <Text size="sm" c="dimmed">
        {status.error ? "Queue status unavailable" : " "}
      </Text>
    );
  }
  return (
    <Group gap="xs" wrap="nowrap" data-testid="queue-counts">
      <Text size={compact ? "xs" : "sm"} c="dimmed" truncate>
        {queueCountsText(status.data.queue, { compact, multiuser })}
      </Text>
      {!status.data.processor.is_started && (
        <Badge color="orange" variant="light" size="sm" style={{ flex: "none" }}>
          Paused
        </Badge>
      )}
    </Group>
  );
}
