import { Badge, Button, Group, Select, Stack, Table, Text, TextInput, Title, Tooltip } from "@mantine/core";
import { useMemo, useState } from "react";
import { EmptyTableRow } from "@/components/empty-table-row";
import { ErrorAlert } from "@/components/error-alert";
import { Pager } from "@/components/pager";
import { TableCard } from "@/components/table-card";
import { TableHeader } from "@/components/table-header";
import type { AuditEvent, UserDTO } from "@/lib/api-types";
import { formatDateTime } from "@/lib/format";
import { useAuditActions } from "../api/list-audit-actions";
import { useAuditPage } from "../api/list-audit-events";
import { usePeople } from "../api/list-people";
import { describeDetails, NO_FILTERS, type AuditFilters } from "../utils/audit-query";

const PAGE_SIZE = 50;
const OUTCOME_COLORS: Record<string, string> = { ok: "teal", denied: "orange", error: "red" };

function actorLabel(event: AuditEvent, people: Map<string, UserDTO>): string {
  if (event.actor_kind === "cli") return "Command line";
  if (event.actor_user_id === null) return "Not signed in";
  if (event.actor_user_id === "system") return event.actor_kind === "system" ? "Server" : "System account";
  const person = people.get(event.actor_user_id);
  const name = person ? person.display_name || person.email : event.actor_user_id;
  return event.actor_kind === "token" ? `${name} (API token)` : name;
}

function targetLabel(event: AuditEvent, people: Map<string, UserDTO>): string {
  if (!event.target_id) return "—";
  if (event.target_type === "user") return people.get(event.target_id)?.email ?? event.target_id;
  return event.target_type ? `${event.target_type} ${event.target_id}` : event.target_id;
}

/** Administrators: the audit log, newest first, filtered by person, action and dates. */
export function AuditPage() {
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS);
  // Cursors of the pages before the current one, so "Newer" can step back.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const page = useAuditPage(filters, cursor, PAGE_SIZE);
  const actionList = useAuditActions().data;
  const actions = useMemo(() => actionList ?? [], [actionList]);
  const peopleList = usePeople().data;
  const people = useMemo(() => new Map((peopleList ?? []).map((p) => [p.user_id, p])), [peopleList]);
  const descriptions = useMemo(() => new Map(actions.map((a) => [a.action, a.description])), [actions]);
  const events = page.data?.items ?? [];

  const change = (next: Partial<AuditFilters>) => {
    setFilters({ ...filters, ...next });
    setCursors([null]);
  };

  return (
    <Stack p="lg" gap="lg" maw={1300} mx="auto" w="100%">
      <Title order={1} size="h2">
        Audit log
      </Title>
      <Group align="end" wrap="wrap">
        <Select
          label="Person"
          placeholder="Anyone"
          searchable
          clearable
          w={240}
          data={(peopleList ?? []).map((p) => ({ value: p.user_id, label: p.display_name ? `${p.display_name} (${p.email})` : p.email }))}
          value={filters.actor || null}
          onChange={(value) => change({ actor: value ?? "" })}
        />
        <Select
          label="Action"
          placeholder="Any action"
          searchable
          clearable
          w={280}
          data={actions.map((a) => ({ value: a.action, label: `${a.action} — ${a.description}` }))}
          value={filters.action || null}
          onChange={(value) => change({ action: value ?? "" })}
        />
        <TextInput label="From" type="date" value={filters.since} onChange={(e) => change({ since: e.currentTarget.value })} />
        <TextInput label="To" type="date" value={filters.until} onChange={(e) => change({ until: e.currentTarget.value })} />
        <Button variant="subtle" onClick={() => change(NO_FILTERS)} disabled={filters === NO_FILTERS}>
          Clear filters
        </Button>
      </Group>
      <ErrorAlert error={page.error} />
      <TableCard loading={page.isPending} loadingLabel="Loading the audit log" minWidth={960}>
        <Table verticalSpacing="xs" highlightOnHover aria-label="Audit events">
          <TableHeader columns={["Time", "Who", "Action", "Target", "Outcome", "Address", "Details"]} />
          <Table.Tbody>
            {events.map((event) => (
              <Table.Tr key={event.id}>
                <Table.Td>
                  <Text size="sm" style={{ whiteSpace: "nowrap" }}>
                    {formatDateTime(event.at)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{actorLabel(event, people)}</Text>
                </Table.Td>
                <Table.Td>
                  <Tooltip label={descriptions.get(event.action) ?? event.action}>
                    <Text size="sm" ff="monospace">
                      {event.action}
                    </Text>
                  </Tooltip>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" style={{ wordBreak: "break-all" }}>
                    {targetLabel(event, people)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={OUTCOME_COLORS[event.outcome] ?? "gray"}>
                    {event.outcome}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{event.ip ?? "—"}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="xs" c="dimmed" maw={360} style={{ wordBreak: "break-word" }}>
                    {describeDetails(event.details)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
            {events.length === 0 && <EmptyTableRow colSpan={7}>No events match these filters.</EmptyTableRow>}
          </Table.Tbody>
        </Table>
      </TableCard>
      <Pager
        summary={`Page ${cursors.length}`}
        previousLabel="Newer"
        nextLabel="Older"
        hasPrevious={cursors.length > 1}
        hasNext={Boolean(page.data?.next_cursor)}
        onPrevious={() => setCursors(cursors.slice(0, -1))}
        onNext={() => page.data?.next_cursor && setCursors([...cursors, page.data.next_cursor])}
      />
    </Stack>
  );
}
