import { Button, Group, PasswordInput, Stack, Text } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { EMPTY_NEW_PASSWORD, newPasswordReady } from "@/lib/passwords";
import { useLogOut } from "../api/log-out";
import { useUpdateCurrentUser } from "../api/update-current-user";
import { AuthLayout } from "./auth-layout";
import { NewPasswordFields } from "./new-password-fields";

/** Shown instead of the studio while an administrator requires a new password (the server
 * refuses everything else until then). */
export function ChangePasswordPage({ email, strict }: { email: string; strict: boolean }) {
  const [current, setCurrent] = useState("");
  const [newPassword, setNewPassword] = useState(EMPTY_NEW_PASSWORD);
  const update = useUpdateCurrentUser();
  const logOut = useLogOut();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!current || !newPasswordReady(newPassword, strict)) return;
    update.mutate({ current_password: current, new_password: newPassword.password });
  };

  return (
    <AuthLayout title="Choose a new password" subtitle={`An administrator asked ${email} to set a new password.`}>
      <form onSubmit={submit} aria-label="Choose a new password" noValidate>
        <Stack>
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            required
            data-autofocus
            autoFocus
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
          />
          <NewPasswordFields value={newPassword} onChange={setNewPassword} strict={strict} />
          <ErrorAlert error={update.error} />
          <Button type="submit" loading={update.isPending} fullWidth size="md">
            Save and continue
          </Button>
          <Group justify="center">
            <Text size="sm" c="dimmed">
              Not now?
            </Text>
            <Button variant="subtle" size="compact-sm" onClick={() => logOut.mutate()}>
              Sign out
            </Button>
          </Group>
        </Stack>
      </form>
    </AuthLayout>
  );
}
