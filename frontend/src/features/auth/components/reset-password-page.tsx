import { Alert, Anchor, Button, Group, Loader, Stack, Text } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { Link, useLocation } from "react-router";
import { ErrorAlert } from "@/components/error-alert";
import { errorMessage } from "@/lib/api-client";
import { EMPTY_NEW_PASSWORD, newPasswordReady } from "@/lib/passwords";
import { useResetLink } from "../api/get-reset-link";
import { useResetPassword } from "../api/use-reset-link";
import { linkToken } from "../utils/link-token";
import { NewPasswordFields } from "./new-password-fields";

/** `/reset#<token>`: set a new password with an administrator's one-time link. */
export function ResetPasswordPage({ strict }: { strict: boolean }) {
  const token = linkToken(useLocation().hash);
  const link = useResetLink(token);
  const reset = useResetPassword(token);
  const [newPassword, setNewPassword] = useState(EMPTY_NEW_PASSWORD);

  if (reset.isSuccess) {
    return (
      <Stack>
        <Alert color="teal" variant="light" title="Password changed" role="status">
          Sign in with your new password. Every other session of this account has ended.
        </Alert>
        <Button component={Link} to="/login" fullWidth>
          Sign in
        </Button>
      </Stack>
    );
  }
  if (!token || link.isError) {
    return (
      <Stack>
        <Alert color="red" variant="light" title="This link cannot be used">
          {token ? errorMessage(link.error) : "The link is incomplete: copy the whole link you were given."}
        </Alert>
        <Anchor component={Link} to="/login" ta="center">
          Go to sign-in
        </Anchor>
      </Stack>
    );
  }
  if (link.isPending) {
    return (
      <Group justify="center">
        <Loader aria-label="Checking the link" />
      </Group>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!newPasswordReady(newPassword, strict)) return;
    reset.mutate(newPassword.password);
  };

  return (
    <form onSubmit={submit} aria-label="Reset password" noValidate>
      <Stack>
        <Text size="sm" ta="center">
          New password for <b>{link.data.email}</b>
        </Text>
        <NewPasswordFields value={newPassword} onChange={setNewPassword} strict={strict} />
        <ErrorAlert error={reset.error} />
        <Button type="submit" loading={reset.isPending} fullWidth size="md">
          Set new password
        </Button>
      </Stack>
    </form>
  );
}
