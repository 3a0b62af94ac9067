import { Button, Group, Text } from "@mantine/core";
import type { ReactNode } from "react";

interface PagerProps {
  /** Where the reader is, e.g. "Page 2" or "40 users". */
  summary: ReactNode;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  previousLabel?: string;
  nextLabel?: string;
}

/** The footer under a paged table: where you are, and buttons to the previous and next page. */
export function Pager({
  summary,
  hasPrevious,
  hasNext,
  onPrevious,
  onNext,
  previousLabel = "Previous",
  nextLabel = "Next",
}: PagerProps) {
  return (
    <Group justify="space-between">
      <Text size="sm" c="dimmed">
        {summary}
      </Text>
      <Group gap="xs">
        <Button variant="default" disabled={!hasPrevious} onClick={onPrevious}>
          {previousLabel}
        </Button>
        <Button variant="default" disabled={!hasNext} onClick={onNext}>
          {nextLabel}
        </Button>
      </Group>
    </Group>
  );
}
