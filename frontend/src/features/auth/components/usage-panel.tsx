import { Group, Loader, Paper, Progress, Stack, Text, Title } from "@mantine/core";
import { ErrorAlert } from "@/components/error-alert";
import { useMyUsage } from "../api/get-my-usage";
import { imageLimits, usageBars } from "../utils/usage-bars";

/** What the caller has used against their limits (SPEC §17 `GET /auth/me/usage`). */
export function UsagePanel() {
  const usage = useMyUsage();
  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="usage-heading">
      <Stack>
        <Title order={2} size="h4" id="usage-heading">
          Usage
        </Title>
        <ErrorAlert error={usage.error} />
        {usage.isPending && <Loader size="sm" aria-label="Loading usage" />}
        {usage.data && (
          <>
            {usageBars(usage.data).map((bar) => (
              <Stack key={bar.label} gap={4}>
                <Group justify="space-between">
                  <Text size="sm">{bar.label}</Text>
                  <Text size="sm" c="dimmed">
                    {bar.text}
                  </Text>
                </Group>
                <Progress
                  aria-label={bar.label}
                  value={bar.percent ?? 0}
                  color={bar.percent !== null && bar.percent >= 90 ? "red" : "blue"}
                />
              </Stack>
            ))}
            {imageLimits(usage.data).map((line) => (
              <Text key={line} size="sm">
                {line}
              </Text>
            ))}
            <Text size="sm" c="dimmed">
              Generation time in the last 30 days: {Math.round(usage.data.gpu_seconds_30d)} s · queue weight{" "}
              {usage.data.limits.queue_weight ?? 1}
            </Text>
          </>
        )}
      </Stack>
    </Paper>
  );
}
