import { Alert, Anchor, Badge, Button, Group, Loader, Stack, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { Link, useLocation, useNavigate } from "react-router";
import { ErrorAlert } from "@/components/error-alert";
import { errorMessage } from "@/lib/api-client";
import { EMPTY_NEW_PASSWORD, newPasswordReady } from "@/lib/passwords";
import { useAcceptInvite } from "../api/accept-invite";
import { useInvite } from "../api/get-invite";
import { linkToken } from "../utils/link-token";
import { NewPasswordFields } from "./new-password-fields";

/** `/invite#<token>`: create one's account from an administrator's invite and sign in. */
export function AcceptInvitePage({ strict }: { strict: boolean }) {
  const token = linkToken(useLocation().hash);
  const invite = useInvite(token);
  const accept = useAcceptInvite(token);
  const navigate = useNavigate();
  const [email, setEmail] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [newPassword, setNewPassword] = useState(EMPTY_NEW_PASSWORD);
  const fixedEmail = invite.data?.email ?? null;

  if (!token || invite.isError) {
    return (
      <Stack>
        <Alert color="red" variant="light" title="This invite cannot be used">
          {token ? errorMessage(invite.error) : "The link is incomplete: copy the whole link you were given."}
        </Alert>
        <Anchor component={Link} to="/login" ta="center">
          Go to sign-in
        </Anchor>
      </Stack>
    );
  }
  if (invite.isPending) {
    return (
      <Group justify="center">
        <Loader aria-label="Checking the invite" />
      </Group>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const address = fixedEmail ?? email.trim();
    if (!address || !newPasswordReady(newPassword, strict)) return;
    accept.mutate(
      { email: address, display_name: displayName.trim() || null, password: newPassword.password },
      { onSuccess: () => void navigate("/gallery", { replace: true }) },
    );
  };

  return (
    <form onSubmit={submit} aria-label="Accept invite" noValidate>
      <Stack>
        {invite.data.is_admin && (
          <Group justify="center">
            <Badge color="grape" variant="light">
              Administrator account
            </Badge>
          </Group>
        )}
        <TextInput
          label="Email"
          type="email"
          autoComplete="username"
          required
          readOnly={fixedEmail !== null}
          value={fixedEmail ?? email}
          onChange={(e) => setEmail(e.currentTarget.value)}
        />
        <TextInput label="Display name" value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} />
        <NewPasswordFields
          label="Password"
          confirmLabel="Confirm password"
          value={newPassword}
          onChange={setNewPassword}
          strict={strict}
        />
        <ErrorAlert error={accept.error} />
        <Button type="submit" loading={accept.isPending} fullWidth size="md">
          Create my account
        </Button>
      </Stack>
    </form>
  );
}
