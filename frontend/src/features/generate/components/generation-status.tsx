import { Alert, Box, Group, Loader, Progress, Stack, Text } from "@mantine/core";
import { IconAlertCircle, IconPhoto } from "@tabler/icons-react";
import { Link } from "react-router";
import { resolveAppUrl } from "@/lib/app-root";
import type { GenerationState } from "../events";
import classes from "./generate.module.css";

/** The running item's preview and progress, else the latest image (opens in the viewer). */
export function GenerationStatus({ state }: { state: GenerationState }) {
  const { running, lastImage, lastError } = state;
  if (!running && !lastImage && !lastError) return null;
  const percent = running?.percentage === null || running?.percentage === undefined ? null : Math.round(running.percentage * 100);

  return (
    <Stack gap={6} data-testid="generation-status">
      {running ? (
        <>
          <div className={classes.stage}>
            {running.preview ? (
              <img
                className={classes.preview}
                src={running.preview.dataURL}
                alt="Preview of the image being generated"
                data-testid="progress-preview"
              />
            ) : (
              <Loader aria-label="Starting" />
            )}
          </div>
          <Progress
            value={percent ?? 100}
            animated={percent === null}
            striped={percent === null}
            aria-label="Generation progress"
            data-testid="generation-progress"
            data-percent={percent ?? ""}
          />
          <Group justify="space-between" gap="xs" wrap="nowrap" aria-live="polite">
            <Text size="xs" c="dimmed" truncate>
              {running.message ?? "Generating"}
            </Text>
            <Text size="xs" fw={600}>
              {percent === null ? "" : `${percent}%`}
            </Text>
          </Group>
        </>
      ) : (
        lastImage && (
          <Box className={classes.stage}>
            <Link to={{ search: `?image=${encodeURIComponent(lastImage)}` }} className={classes.stageLink} aria-label="Open your latest image">
              <img
                className={classes.stageImage}
                src={resolveAppUrl(`api/v1/images/i/${encodeURIComponent(lastImage)}/thumbnail`)}
                alt="Your latest image"
                data-testid="latest-image"
              />
            </Link>
          </Box>
        )
      )}
      {!running && lastError && (
        <Alert color="red" variant="light" icon={<IconAlertCircle />} title="Your last image failed" role="alert" p="xs">
          <Text size="xs">{lastError}</Text>
        </Alert>
      )}
      {!running && lastImage && (
        <Group gap={4}>
          <IconPhoto size={14} aria-hidden />
          <Text size="xs" c="dimmed">
            Latest image; it is in the gallery too.
          </Text>
        </Group>
      )}
    </Stack>
  );
}
