import { Button, Loader, Modal, Progress, Stack, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { Pager } from "@/components/pager";
import { TableCard } from "@/components/table-card";
import { TableHeader } from "@/components/table-header";
import type { UserUsageDTO as UserUsage } from "@/lib/api-types";
import { useUserQuota } from "../api/get-user-quota";
import { useUsage } from "../api/list-usage";
import { useSetUserQuota } from "../api/set-user-quota";
import { describeLimit } from "../utils/quota-form";
import { QuotaEditor } from "./quota-editor";

const PAGE_SIZE = 25;

/** Every user's usage against the limits in force, and each user's own limits (administrators). */
export function QuotasPage() {
  const [offset, setOffset] = useState(0);
  const usage = useUsage(offset, PAGE_SIZE);
  const [editing, setEditing] = useState<UserUsage | null>(null);
  const total = usage.data?.total ?? 0;

  return (
    <Stack p="lg" gap="lg" maw={1100} mx="auto" w="100%">
      <Title order={1} size="h2">
        Quotas and usage
      </Title>
      <Text size="sm" c="dimmed">
        Limits set on a user win over their groups&apos; (Groups page); without either there is no limit. Generation
        time counts the last 30 days.
      </Text>
      <ErrorAlert error={usage.error} />
      <TableCard loading={usage.isPending} loadingLabel="Loading usage" minWidth={760}>
        <Table verticalSpacing="sm" aria-label="Usage" className="table-as-list">
          <TableHeader columns={["User", "Waiting", "Today", "Storage", "Generation time"]} actions="Limits" />
          <Table.Tbody>
            {(usage.data?.items ?? []).map((row) => (
              <Table.Tr key={row.user_id}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {row.display_name || row.email}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {row.email}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Amount used={row.used.pending_items} limit={row.limits.max_pending_items} />
                </Table.Td>
                <Table.Td>
                  <Amount used={row.used.items_today} limit={row.limits.max_items_per_day} />
                </Table.Td>
                <Table.Td>
                  <Amount used={row.used.storage_mb} limit={row.limits.max_storage_mb} unit="MB" />
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{Math.round(row.gpu_seconds_30d)} s</Text>
                </Table.Td>
                <Table.Td ta="right">
                  <Button size="xs" variant="default" aria-label={`Limits of ${row.email}`} onClick={() => setEditing(row)}>
                    Edit limits
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </TableCard>
      <Pager
        summary={`${total} users`}
        hasPrevious={offset > 0}
        hasNext={offset + PAGE_SIZE < total}
        onPrevious={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
        onNext={() => setOffset(offset + PAGE_SIZE)}
      />
      {editing && <UserLimitsModal user={editing} onClose={() => setEditing(null)} />}
    </Stack>
  );
}

function Amount({ used, limit, unit = "" }: { used: number; limit: number | null | undefined; unit?: string }) {
  const shown = Number.isInteger(used) ? String(used) : used.toFixed(1);
  const percent = limit === null || limit === undefined ? null : limit === 0 ? 100 : Math.min(100, (used / limit) * 100);
  return (
    <Stack gap={2} w={130}>
      <Text size="sm">
        {shown}
        {unit && ` ${unit}`} / {describeLimit(limit, unit)}
      </Text>
      {percent !== null && <Progress size="sm" value={percent} color={percent >= 90 ? "red" : "blue"} />}
    </Stack>
  );
}

function UserLimitsModal({ user, onClose }: { user: UserUsage; onClose: () => void }) {
  const quota = useUserQuota(user.user_id);
  const save = useSetUserQuota();
  return (
    <Modal opened onClose={onClose} title={`Limits of ${user.display_name || user.email}`} centered size="lg">
      {quota.isPending ? (
        <Loader size="sm" aria-label="Loading limits" />
      ) : quota.data ? (
        <QuotaEditor
          values={quota.data}
          effective={quota.data.effective}
          saving={save.isPending}
          error={save.error}
          emptyHint="Set here, a limit wins over the user's groups. Empty = use the groups' (most generous) value."
          onSave={(values) => save.mutate({ userId: user.user_id, values }, { onSuccess: onClose })}
        />
      ) : (
        <ErrorAlert error={quota.error} />
      )}
    </Modal>
  );
}
