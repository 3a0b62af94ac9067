import { Badge, Button, Checkbox, Group, Paper, Progress, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconDownload } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { ErrorAlert } from "../../../components/error-alert";
import { notifySuccess } from "../../../components/notify";
import type { ModelInstallJob } from "../../../lib/api-types";
import { modelsKey } from "../../../lib/query-keys";
import { useInstallModel } from "../api/install-model";
import { useInstallJobs } from "../api/list-install-jobs";
import { useIsModelManagerEnabled } from "../hooks/use-is-model-manager-enabled";
import { JOB_STATUS, formatBytes, isJobActive, jobPercent, jobSource, sortJobs, sourceError, sourceKind } from "../utils/models";

const SHOWN_JOBS = 5;

/** Install from a server path or URL, and the install jobs with live progress. */
export function InstallModelPanel() {
  const canManage = useIsModelManagerEnabled();
  const [source, setSource] = useState("");
  const [inplace, setInplace] = useState(true);
  const [touched, setTouched] = useState(false);
  const install = useInstallModel();
  const jobs = useInstallJobs(canManage);
  const error = touched ? sourceError(source) : null;
  const isPath = sourceKind(source) === "path";
  const queryClient = useQueryClient();
  const completed = jobs.data?.filter((job) => job.status === "completed").length ?? 0;

  // Polling sees a job finish even when no socket event arrives: refresh the model lists.
  useEffect(() => {
    if (completed > 0) void queryClient.invalidateQueries({ queryKey: [...modelsKey, "list"] });
  }, [completed, queryClient]);

  if (!canManage) return null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (sourceError(source)) return;
    install.mutate(
      { source: source.trim(), inplace: isPath && inplace },
      {
        onSuccess: () => {
          notifySuccess("Install started");
          setSource("");
          setTouched(false);
        },
      },
    );
  };

  return (
    <Paper withBorder radius="md" p="md">
      <Stack gap="sm">
        <Title order={2} size="h4">
          Install a model
        </Title>
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            <Group align="flex-start" gap="sm" wrap="nowrap">
              <TextInput
                style={{ flex: 1 }}
                label="Source"
                description="A diffusers folder or .safetensors file on the server (absolute path), or an http(s) URL"
                placeholder="/srv/models/stable-diffusion-v1-5"
                value={source}
                onChange={(event) => setSource(event.currentTarget.value)}
                onBlur={() => setTouched(source !== "")}
                error={error}
                required
              />
              <Button type="submit" mt={46} loading={install.isPending} leftSection={<IconDownload size={16} />}>
                Install
              </Button>
            </Group>
            {isPath && (
              <Checkbox
                label="In place: use the files where they are instead of copying them into the models folder"
                checked={inplace}
                onChange={(event) => setInplace(event.currentTarget.checked)}
              />
            )}
            <ErrorAlert error={install.error} title="Could not start the install" />
          </Stack>
        </form>
        <ErrorAlert error={jobs.error} title="Could not load the install jobs" />
        {jobs.data && jobs.data.length > 0 && (
          <Stack gap="xs" aria-label="Install jobs" role="list">
            {sortJobs(jobs.data)
              .slice(0, SHOWN_JOBS)
              .map((job) => (
                <InstallJobRow key={job.id} job={job} />
              ))}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}

function InstallJobRow({ job }: { job: ModelInstallJob }) {
  const status = JOB_STATUS[job.status];
  const percent = jobPercent(job);
  const active = isJobActive(job);
  return (
    <Paper withBorder radius="sm" p="xs" role="listitem" data-testid="install-job">
      <Group justify="space-between" wrap="nowrap" gap="sm">
        <Text size="sm" truncate style={{ minWidth: 0 }} ff="monospace">
          {job.config_out?.name ?? jobSource(job)}
        </Text>
        <Group gap="xs" wrap="nowrap">
          {job.status === "downloading" && job.total_bytes > 0 && (
            <Text size="xs" c="dimmed">
              {formatBytes(job.bytes)} of {formatBytes(job.total_bytes)}
            </Text>
          )}
          <Badge color={status.color} variant="light">
            {status.label}
          </Badge>
        </Group>
      </Group>
      {active && (
        <Progress
          mt={6}
          size="sm"
          value={percent ?? 100}
          animated={percent === null}
          striped={percent === null}
          aria-label={`Installing ${jobSource(job)}`}
        />
      )}
      {job.status === "error" && (
        <Text size="xs" c="red" mt={4}>
          {job.error ?? job.error_reason ?? "The install failed."}
        </Text>
      )}
    </Paper>
  );
}
