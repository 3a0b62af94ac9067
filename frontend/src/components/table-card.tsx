import { Group, Loader, Paper, Table } from "@mantine/core";
import type { ReactNode } from "react";

interface TableCardProps {
  /** While true a centred loader (named `loadingLabel`) stands in for the table. */
  loading: boolean;
  loadingLabel: string;
  /** Below this width the table scrolls sideways instead of squeezing its columns. */
  minWidth: number;
  children: ReactNode;
}

/** The bordered card that holds an admin page's table. */
export function TableCard({ loading, loadingLabel, minWidth, children }: TableCardProps) {
  return (
    <Paper withBorder radius="md">
      {loading ? (
        <Group justify="center" p="xl">
          <Loader aria-label={loadingLabel} />
        </Group>
      ) : (
        <Table.ScrollContainer minWidth={minWidth}>{children}</Table.ScrollContainer>
      )}
    </Paper>
  );
}
