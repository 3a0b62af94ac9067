import { Group, Paper, Stack, Title } from "@mantine/core";
import type { ReactNode } from "react";

interface AccountSectionProps {
  /** The heading's element id, which names the section for screen readers. */
  headingId: string;
  title: string;
  /** Shown at the heading's right: a status badge or the section's main button. */
  aside: ReactNode;
  children: ReactNode;
}

/** One titled card of the account page (sessions, API tokens, two-factor). */
export function AccountSection({ headingId, title, aside, children }: AccountSectionProps) {
  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-labelledby={headingId}>
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h4" id={headingId}>
            {title}
          </Title>
          {aside}
        </Group>
        {children}
      </Stack>
    </Paper>
  );
}
