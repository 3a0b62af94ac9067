import { PasswordInput } from "@mantine/core";
import { PasswordField } from "@/components/password-field";
import { passwordPolicyError, type NewPassword } from "@/lib/passwords";

interface NewPasswordFieldsProps {
  value: NewPassword;
  onChange: (value: NewPassword) => void;
  /** The server's strict password rule is on (SPEC §3). */
  strict: boolean;
  label?: string;
  confirmLabel?: string;
}

/** A new password (with its strength and the server's rule) and the same typed again. The form
 * checks both with `newPasswordReady` before it sends. */
export function NewPasswordFields({
  value,
  onChange,
  strict,
  label = "New password",
  confirmLabel = "Confirm new password",
}: NewPasswordFieldsProps) {
  const { password, confirm } = value;
  const policyError = password ? passwordPolicyError(password, strict) : null;
  const mismatch = confirm && confirm !== password ? "The passwords do not match" : null;
  return (
    <>
      <PasswordField label={label} value={password} onChange={(next) => onChange({ ...value, password: next })} required error={policyError} />
      <PasswordInput
        label={confirmLabel}
        autoComplete="new-password"
        required
        value={confirm}
        error={mismatch}
        onChange={(e) => onChange({ ...value, confirm: e.currentTarget.value })}
      />
    </>
  );
}
