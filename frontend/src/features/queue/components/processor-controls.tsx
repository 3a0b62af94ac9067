import { Button } from "@mantine/core";
import { IconPlayerPause, IconPlayerPlay } from "@tabler/icons-react";
import { notifyError } from "@/components/notify";
import { useQueueStatus } from "../api/get-queue-status";
import { usePauseProcessor } from "../api/pause-processor";
import { useResumeProcessor } from "../api/resume-processor";

/** Pause or resume the worker (administrators only; the caller decides whether to show it). */
export function ProcessorControls() {
  const status = useQueueStatus();
  const pause = usePauseProcessor();
  const resume = useResumeProcessor();
  const paused = status.data ? !status.data.processor.is_started : false;
  const onError = (error: unknown) => notifyError("Could not change the processor", error);
  return paused ? (
    <Button
      variant="light"
      color="teal"
      leftSection={<IconPlayerPlay size={16} />}
      loading={resume.isPending}
      onClick={() => resume.mutate(undefined, { onError })}
    >
      Resume
    </Button>
  ) : (
    <Button
      variant="default"
      leftSection={<IconPlayerPause size={16} />}
      loading={pause.isPending}
      disabled={!status.data}
      onClick={() => pause.mutate(undefined, { onError })}
    >
      Pause
    </Button>
  );
}
