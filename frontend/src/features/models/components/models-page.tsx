import { Badge, Group, Stack, Table, Text, Title } from "@mantine/core";
import { IconPencil, IconTrash } from "@tabler/icons-react";
import { useState } from "react";
import { EmptyTableRow } from "@/components/empty-table-row";
import { ErrorAlert } from "@/components/error-alert";
import { RowAction } from "@/components/row-action";
import { TableCard } from "@/components/table-card";
import { TableHeader } from "@/components/table-header";
import type { ModelConfig } from "@/lib/api-types";
import { useModels } from "../api/list-models";
import { useIsModelManagerEnabled } from "../hooks/use-is-model-manager-enabled";
import { BASE_LABELS, formatBytes, sortModels, TYPE_LABELS } from "../utils/models";
import { DeleteModelModal } from "./delete-model-modal";
import { EditModelModal } from "./edit-model-modal";
import { InstallModelPanel } from "./install-model-panel";

/** Everyone browses the installed models; install, edit and delete are for model managers. */
export function ModelsPage() {
  const canManage = useIsModelManagerEnabled();
  const models = useModels();
  const [editing, setEditing] = useState<ModelConfig | null>(null);
  const [deleting, setDeleting] = useState<ModelConfig | null>(null);
  const list = sortModels(models.data ?? []);

  return (
    <Stack p="lg" gap="lg" maw={1100} mx="auto" w="100%">
      <Stack gap={4}>
        <Title order={1} size="h2">
          Models
        </Title>
        <Text size="sm" c="dimmed">
          {canManage
            ? "Install Stable Diffusion models from the starter list, a Hugging Face repo, a path on the server or a URL."
            : "The models installed on this server. Administrators install and manage them."}
        </Text>
      </Stack>
      {canManage && <InstallModelPanel />}
      <ErrorAlert error={models.error} title="Could not load the models" />
      <TableCard loading={models.isPending} loadingLabel="Loading models" minWidth={720}>
        <Table verticalSpacing="sm" highlightOnHover aria-label="Installed models">
          <TableHeader
            columns={["Name", "Base", "Type", "Format", "Size"]}
            actions={canManage ? "Actions" : undefined}
          />
          <Table.Tbody>
            {list.map((model) => (
              <Table.Tr key={model.key} data-testid="model-row">
                <Table.Td maw={420}>
                  <Group gap={6} wrap="nowrap">
                    <Text size="sm" fw={500}>
                      {model.name}
                    </Text>
                    {model.access === "restricted" && (
                      <Badge size="xs" variant="light" color="orange" title="Only chosen people may use it">
                        Restricted
                      </Badge>
                    )}
                  </Group>
                  {model.description && (
                    <Text size="xs" c="dimmed" lineClamp={2}>
                      {model.description}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" tt="none">
                    {BASE_LABELS[model.base] ?? model.base}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{TYPE_LABELS[model.type] ?? model.type}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{model.format}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatBytes(model.file_size)}</Text>
                </Table.Td>
                {canManage && (
                  <Table.Td>
                    <Group gap={4} justify="flex-end" wrap="nowrap">
                      <RowAction label="Edit" ariaLabel={`Edit ${model.name}`} icon={IconPencil} onClick={() => setEditing(model)} />
                      <RowAction
                        label="Delete"
                        ariaLabel={`Delete ${model.name}`}
                        icon={IconTrash}
                        danger
                        onClick={() => setDeleting(model)}
                      />
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
            {list.length === 0 && (
              <EmptyTableRow colSpan={canManage ? 6 : 5}>
                {canManage
                  ? "No models installed yet. Install one above."
                  : "No models installed yet. Ask an administrator to install one."}
              </EmptyTableRow>
            )}
          </Table.Tbody>
        </Table>
      </TableCard>
      {canManage && editing && <EditModelModal model={editing} onClose={() => setEditing(null)} />}
      {canManage && deleting && <DeleteModelModal model={deleting} onClose={() => setDeleting(null)} />}
    </Stack>
  );
}
