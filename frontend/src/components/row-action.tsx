import { ActionIcon, Tooltip } from "@mantine/core";
import type { TablerIcon } from "@tabler/icons-react";

interface RowActionProps {
  /** The tooltip: what the button does. */
  label: string;
  /** The accessible name: what it does to which row (e.g. "Delete ann@example.com"). */
  ariaLabel: string;
  icon: TablerIcon;
  onClick: () => void;
  /** Red, for actions that delete or revoke. */
  danger?: boolean;
}

/** An icon button in a table row's actions cell, with a tooltip. */
export function RowAction({ label, ariaLabel, icon: Icon, onClick, danger = false }: RowActionProps) {
  return (
    <Tooltip label={label}>
      <ActionIcon variant="subtle" color={danger ? "red" : undefined} aria-label={ariaLabel} onClick={onClick}>
        <Icon size={18} />
      </ActionIcon>
    </Tooltip>
  );
}
