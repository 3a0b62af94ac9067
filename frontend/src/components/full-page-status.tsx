import { Alert, Button, Center, Loader, Stack } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import { errorMessage } from "../lib/api-client";

export function FullPageLoader({ label = "Loading…" }: { label?: string }) {
  return (
    <Center h="100vh" role="status" aria-live="polite">
      <Loader aria-label={label} />
    </Center>
  );
}

export function FullPageError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <Center h="100vh" p="md">
      <Stack maw={440}>
        <Alert color="red" variant="light" title="The studio could not start" icon={<IconAlertTriangle />}>
          {errorMessage(error)}
        </Alert>
        {onRetry && <Button onClick={onRetry}>Try again</Button>}
      </Stack>
    </Center>
  );
}
