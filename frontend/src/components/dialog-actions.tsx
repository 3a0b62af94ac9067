import { Button, Group } from "@mantine/core";
import type { ReactNode } from "react";

interface DialogActionsProps {
  onCancel: () => void;
  /** The main button's text. */
  confirmLabel: ReactNode;
  /** Runs the main action; left out, the main button submits the dialog's form. */
  onConfirm?: () => void;
  loading?: boolean;
  disabled?: boolean;
  /** Red, for deleting or ending things. */
  danger?: boolean;
}

/** A dialog's footer: Cancel, then its main button, at the right. */
export function DialogActions({ onCancel, confirmLabel, onConfirm, loading, disabled, danger = false }: DialogActionsProps) {
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={onCancel}>
        Cancel
      </Button>
      <Button
        type={onConfirm ? "button" : "submit"}
        color={danger ? "red" : undefined}
        loading={loading}
        disabled={disabled}
        onClick={onConfirm}
      >
        {confirmLabel}
      </Button>
    </Group>
  );
}
