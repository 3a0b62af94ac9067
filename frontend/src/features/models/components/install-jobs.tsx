import { ActionIcon, Badge, Button, Group, Paper, Progress, Stack, Text, Tooltip } from "@mantine/core";
import { IconX } from "@tabler/icons-react";
import { useState } from "react";
import { ErrorAlert } from "@/components/error-alert";
import type { ModelInstallJob } from "@/lib/api-types";
import { useCancelInstallJob } from "../api/cancel-install-job";
import { usePruneInstallJobs } from "../api/prune-install-jobs";
import { nextSpeeds, type SpeedSample } from "../utils/hub";
import { JOB_STATUS, formatBytes, isJobActive, jobPercent, jobSource, sortJobs } from "../utils/models";

const SHOWN_JOBS = 8;

/** Install jobs, newest first: a progress bar with bytes and speed while downloading, cancel
 * for running jobs, the reason of a failure, and a way to clear the finished ones. `updatedAt`
 * is when `jobs` arrived (milliseconds); speeds come from successive lists. */
export function InstallJobs({ jobs, updatedAt }: { jobs: readonly ModelInstallJob[]; updatedAt: number }) {
  const [speeds, setSpeeds] = useState<{ at: number; samples: Record<number, SpeedSample> }>(() => ({
    at: updatedAt,
    samples: nextSpeeds({}, jobs, updatedAt),
  }));
  if (speeds.at !== updatedAt) {
    // A new job list: derive the next speed estimates while rendering (no effect round trip).
    setSpeeds({ at: updatedAt, samples: nextSpeeds(speeds.samples, jobs, updatedAt) });
  }
  const cancel = useCancelInstallJob();
  const prune = usePruneInstallJobs();
  const finished = jobs.some((job) => !isJobActive(job));

  if (jobs.length === 0) return null;
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Text size="sm" fw={600}>
          Install jobs
        </Text>
        {finished && (
          <Button size="compact-xs" variant="subtle" onClick={() => prune.mutate()} loading={prune.isPending}>
            Clear finished
          </Button>
        )}
      </Group>
      <ErrorAlert error={cancel.error ?? prune.error} />
      <Stack gap="xs" aria-label="Install jobs" role="list">
        {sortJobs(jobs)
          .slice(0, SHOWN_JOBS)
          .map((job) => (
            <InstallJobRow
              key={job.id}
              job={job}
              speed={speeds.samples[job.id]?.bytesPerSecond ?? null}
              onCancel={() => cancel.mutate(job.id)}
            />
          ))}
      </Stack>
    </Stack>
  );
}

function InstallJobRow({ job, speed, onCancel }: { job: ModelInstallJob; speed: number | null; onCancel: () => void }) {
  const status = JOB_STATUS[job.status];
  const percent = jobPercent(job);
  const active = isJobActive(job);
  const title = job.config_out?.name ?? jobSource(job);
  return (
    <Paper
      withBorder
      radius="sm"
      p="xs"
      role="listitem"
      data-testid="install-job"
      data-status={job.status}
      data-source={jobSource(job)}
    >
      <Group justify="space-between" wrap="nowrap" gap="sm">
        <Text size="sm" truncate style={{ minWidth: 0 }} ff="monospace">
          {title}
        </Text>
        <Group gap="xs" wrap="nowrap">
          {job.status === "downloading" && job.total_bytes > 0 && (
            <Text size="xs" c="dimmed" data-testid="install-job-bytes">
              {formatBytes(job.bytes)} of {formatBytes(job.total_bytes)}
              {speed !== null && ` · ${formatBytes(Math.round(speed))}/s`}
            </Text>
          )}
          <Badge color={status.color} variant="light">
            {status.label}
          </Badge>
          {active && (
            <Tooltip label="Cancel">
              <ActionIcon variant="subtle" color="red" size="sm" aria-label={`Cancel ${title}`} onClick={onCancel}>
                <IconX size={16} />
              </ActionIcon>
            </Tooltip>
          )}
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
          data-testid="install-job-progress"
          data-percent={percent ?? ""}
        />
      )}
      {job.status === "error" && (
        <Text size="xs" c="red" mt={4} data-testid="install-job-error">
          {job.error ?? job.error_reason ?? "The install failed."}
        </Text>
      )}
    </Paper>
  );
}
