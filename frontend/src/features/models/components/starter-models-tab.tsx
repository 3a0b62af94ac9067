import { Badge, Button, Group, Loader, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { IconCheck, IconDownload } from "@tabler/icons-react";
import { ErrorAlert } from "@/components/error-alert";
import type { ModelInstallJob, StarterModel } from "@/lib/api-types";
import { useInstallModel } from "../api/install-model";
import { useStarterModels } from "../api/list-starter-models";
import { groupStarters, starterState } from "../utils/hub";
import { BASE_LABELS, TYPE_LABELS } from "../utils/models";

/** The curated starter models: one click installs a model and what it depends on; installed
 * ones are marked. Bundles install a base model's whole set. */
export function StarterModelsTab({ jobs }: { jobs: readonly ModelInstallJob[] }) {
  const starters = useStarterModels(true);
  const install = useInstallModel();
  const start = (model: StarterModel) => install.mutate({ source: model.source, inplace: false });

  if (starters.isPending) return <Loader aria-label="Loading starter models" />;
  if (!starters.data) return <ErrorAlert error={starters.error} title="Could not load the starter models" />;
  const bundles = Object.entries(starters.data.starter_bundles);
  return (
    <Stack gap="md">
      <ErrorAlert error={install.error} title="Could not start the install" />
      <Text size="sm" c="dimmed">
        Models picked to get started, downloaded from Hugging Face. Installing one also installs what it needs.
      </Text>
      {bundles.length > 0 && (
        <Group gap="sm">
          {bundles.map(([base, bundle]) => {
            const missing = bundle.models.filter((model) => starterState(model, jobs) === "available");
            return (
              <Button
                key={base}
                variant="light"
                leftSection={<IconDownload size={16} />}
                disabled={missing.length === 0}
                onClick={() => missing.forEach(start)}
              >
                {missing.length === 0 ? `${bundle.name} bundle installed` : `Install the ${bundle.name} bundle`}
              </Button>
            );
          })}
        </Group>
      )}
      {groupStarters(starters.data.starter_models).map(([base, models]) => (
        <Stack key={base} gap="xs">
          <Title order={3} size="h5">
            {BASE_LABELS[base] ?? base}
          </Title>
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
            {models.map((model) => (
              <StarterCard key={model.source} model={model} jobs={jobs} onInstall={() => start(model)} />
            ))}
          </SimpleGrid>
        </Stack>
      ))}
    </Stack>
  );
}

function StarterCard({ model, jobs, onInstall }: { model: StarterModel; jobs: readonly ModelInstallJob[]; onInstall: () => void }) {
  const state = starterState(model, jobs);
  const dependencies = model.dependencies ?? [];
  return (
    <Paper withBorder radius="sm" p="sm" data-testid="starter-model" data-state={state}>
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
        <Stack gap={4} style={{ minWidth: 0, flex: 1 }}>
          <Group gap={6}>
            <Text size="sm" fw={600}>
              {model.name}
            </Text>
            <Badge size="xs" variant="light" tt="none">
              {TYPE_LABELS[model.type] ?? model.type}
            </Badge>
          </Group>
          <Text size="xs" c="dimmed">
            {model.description}
          </Text>
          {dependencies.length > 0 && state !== "installed" && (
            <Text size="xs" c="dimmed">
              Also installs {dependencies.map((dependency) => dependency.name).join(", ")}
            </Text>
          )}
        </Stack>
        {state === "installed" ? (
          <Badge color="teal" variant="light" leftSection={<IconCheck size={12} />} style={{ flexShrink: 0 }}>
            Installed
          </Badge>
        ) : (
          <Button
            size="xs"
            variant="light"
            leftSection={<IconDownload size={14} />}
            loading={state === "installing"}
            onClick={onInstall}
            aria-label={`Install ${model.name}`}
            style={{ flexShrink: 0 }}
          >
            Install
          </Button>
        )}
      </Group>
    </Paper>
  );
}
