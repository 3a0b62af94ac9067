import { Modal, Stack, Switch, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState, type FormEvent } from "react";
import { DialogActions } from "@/components/dialog-actions";
import { ErrorAlert } from "@/components/error-alert";
import { PasswordField } from "@/components/password-field";
import { useSession } from "@/hooks/use-session";
import type { UserDTO } from "@/lib/api-types";
import { passwordPolicyError } from "@/lib/passwords";
import { generatePassword } from "../api/generate-password";
import { useUpdateUser } from "../api/update-user";
import { userChanges } from "../utils/user-changes";

export function EditUserModal({ user, onClose }: { user: UserDTO; onClose: () => void }) {
  const { strictPasswordChecking, user: me } = useSession();
  const [displayName, setDisplayName] = useState(user.display_name ?? "");
  const [isAdmin, setIsAdmin] = useState(user.is_admin);
  const [isActive, setIsActive] = useState(user.is_active);
  const [password, setPassword] = useState("");
  const [mustChangePassword, setMustChangePassword] = useState(user.must_change_password);
  const update = useUpdateUser();
  const policyError = password ? passwordPolicyError(password, strictPasswordChecking) : null;
  const changes = userChanges(user, { displayName, isAdmin, isActive, password, mustChangePassword });
  const unchanged = Object.keys(changes).length === 0;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (policyError || unchanged) return;
    update.mutate(
      { userId: user.user_id, changes },
      {
        onSuccess: (saved) => {
          notifications.show({ color: "teal", message: `Saved ${saved.email}` });
          onClose();
        },
      },
    );
  };

  return (
    <Modal opened onClose={onClose} title={`Edit ${user.email}`} centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label="Display name"
            data-autofocus
            value={displayName}
            onChange={(e) => setDisplayName(e.currentTarget.value)}
          />
          <Switch label="Administrator" checked={isAdmin} onChange={(e) => setIsAdmin(e.currentTarget.checked)} />
          <Switch
            label="Active"
            description="A disabled user cannot sign in and is signed out at once"
            checked={isActive}
            onChange={(e) => setIsActive(e.currentTarget.checked)}
          />
          <PasswordField
            label="New password"
            value={password}
            onChange={setPassword}
            onGenerate={generatePassword}
            description="Leave empty to keep the current password. Setting one signs the user out everywhere."
            error={policyError}
          />
          <Switch
            label="Must choose a new password"
            description="At the next sign-in nothing else works until they set a new password"
            checked={mustChangePassword}
            onChange={(e) => setMustChangePassword(e.currentTarget.checked)}
          />
          {user.user_id === me.user_id && (
            <Text size="xs" c="dimmed">
              This is your own account.
            </Text>
          )}
          <ErrorAlert error={update.error} />
          <DialogActions
            onCancel={onClose}
            confirmLabel="Save changes"
            loading={update.isPending}
            disabled={unchanged}
          />
        </Stack>
      </form>
    </Modal>
  );
}
