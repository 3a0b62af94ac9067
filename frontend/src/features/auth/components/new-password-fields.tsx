import { PasswordInput } from "@mantine/core";
import { PasswordField } from "@/components/password-field";
import { passwordPolicyError } from "@/lib/passwords";

interface NewPasswordFieldsProps {
  password: string;
  confirm: string;
  onPasswordChange: (value: string) => void;
  onConfirmChange: (value: string) => void;
  /** The server's strict password rule is on (SPEC §3). */
  strict: boolean;
  label?: string;
  confirmLabel?: string;
}

/** A new password (with its strength and the server's rule) and the same typed again. The form
 * checks both with `newPasswordReady` before it sends. */
export function NewPasswordFields({
  password,
  confirm,
  onPasswordChange,
  onConfirmChange,
  strict,
  label = "New password",
  confirmLabel = "Confirm new password",
}: NewPasswordFieldsProps) {
  const policyError = password ? passwordPolicyError(password, strict) : null;
  const mismatch = confirm && confirm !== password ? "The passwords do not match" : null;
  return (
    <>
      <PasswordField label={label} value={password} onChange={onPasswordChange} required error={policyError} />
      <PasswordInput
        label={confirmLabel}
        autoComplete="new-password"
        required
        value={confirm}
        error={mismatch}
        onChange={(e) => onConfirmChange(e.currentTarget.value)}
      />
    </>
  );
}
