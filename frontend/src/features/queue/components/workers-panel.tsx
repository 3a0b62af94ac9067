import { Badge, Group, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { ErrorAlert } from "../../../components/error-alert";
import { useWorkers } from "../api/list-workers";
import { heartbeatAge, sortWorkers, WORKER_STATES, workerPlace } from "../utils/workers";

/** Administrators: every worker process, what it runs and holds, and when it last beat. */
export function WorkersPanel() {
  const workers = useWorkers();
  const sorted = sortWorkers(workers.data ?? []);
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        Workers
      </Title>
      <ErrorAlert error={workers.error} title="Could not load the workers" />
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="xs" aria-label="Workers">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th w={100}>Device</Table.Th>
                <Table.Th w={110}>State</Table.Th>
                <Table.Th w={90}>Item</Table.Th>
                <Table.Th>Loaded models</Table.Th>
                <Table.Th w={140}>Last heartbeat</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sorted.map((worker) => {
                const state = WORKER_STATES[worker.state];
                return (
                  <Table.Tr key={worker.worker_id} data-testid="worker" data-state={worker.state}>
                    <Table.Td>
                      <Stack gap={0}>
                        <Text size="sm" fw={600}>
                          {worker.name}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {workerPlace(worker)}
                        </Text>
                      </Stack>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {worker.device}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={state.color} variant={worker.state === "busy" ? "filled" : "light"}>
                        {state.label}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c={worker.current_item_id === null ? "dimmed" : undefined}>
                        {worker.current_item_id ?? "—"}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {worker.loaded_model_names.length === 0 ? (
                          <Text size="sm" c="dimmed">
                            None
                          </Text>
                        ) : (
                          worker.loaded_model_names.map((name) => (
                            <Badge key={name} variant="outline" color="gray" tt="none">
                              {name}
                            </Badge>
                          ))
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" title={worker.last_heartbeat}>
                        {heartbeatAge(worker.last_heartbeat)}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
              {!workers.isPending && sorted.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={6}>
                    <Text c="dimmed" ta="center" py="md">
                      No worker is running: start `gesso worker` or `gesso serve` without `--no-worker`.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
    </Stack>
  );
}
