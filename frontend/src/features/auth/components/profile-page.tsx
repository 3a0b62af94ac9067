import { Button, Group, Paper, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState, type FormEvent } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { RoleBadge } from "@/components/role-badge";
import { PasswordField } from "@/components/password-field";
import { useSession } from "@/hooks/use-session";
import { passwordPolicyError } from "@/lib/passwords";
import { useUpdateCurrentUser } from "../api/update-current-user";
import { ApiTokensPanel } from "./api-tokens-panel";
import { SessionsPanel } from "./sessions-panel";
import { UsagePanel } from "./usage-panel";
import { TwoFactorPanel } from "./two-factor-panel";

export function ProfilePage() {
  return (
    <Stack p="lg" gap="lg" maw={1280} mx="auto" w="100%">
      <Title order={1} size="h2">
        Profile and sessions
      </Title>
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg" style={{ alignItems: "start" }}>
        <Stack gap="lg">
          <ProfilePanel />
          <UsagePanel />
          <ChangePasswordPanel />
          <TwoFactorPanel />
        </Stack>
        <Stack gap="lg">
          <SessionsPanel />
          <ApiTokensPanel />
        </Stack>
      </SimpleGrid>
    </Stack>
  );
}

function ProfilePanel() {
  const { user } = useSession();
  const [displayName, setDisplayName] = useState(user.display_name ?? "");
  const update = useUpdateCurrentUser();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate(
      { display_name: displayName.trim() },
      { onSuccess: () => notifications.show({ color: "teal", message: "Display name saved" }) },
    );
  };

  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="profile-heading">
      <form onSubmit={submit}>
        <Stack>
          <Group justify="space-between">
            <Title order={2} size="h4" id="profile-heading">
              Profile
            </Title>
            <RoleBadge isAdmin={user.is_admin} />
          </Group>
          <TextInput label="Email" value={user.email} readOnly variant="filled" description="Your sign-in name" />
          <TextInput
            label="Display name"
            value={displayName}
            maxLength={100}
            onChange={(e) => setDisplayName(e.currentTarget.value)}
          />
          <ErrorAlert error={update.error} />
          <Group justify="flex-end">
            <Button type="submit" loading={update.isPending} disabled={displayName.trim() === (user.display_name ?? "")}>
              Save name
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function ChangePasswordPanel() {
  const { strictPasswordChecking } = useSession();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [touched, setTouched] = useState(false);
  const update = useUpdateCurrentUser();

  const policyError = passwordPolicyError(next, strictPasswordChecking);
  const mismatch = next !== confirm;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!current || policyError || mismatch) return;
    update.mutate(
      { current_password: current, new_password: next },
      {
        onSuccess: () => {
          setCurrent("");
          setNext("");
          setConfirm("");
          setTouched(false);
          notifications.show({
            color: "teal",
            message: "Password changed. Your other sessions were signed out.",
          });
        },
      },
    );
  };

  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="password-heading">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Title order={2} size="h4" id="password-heading">
            Change password
          </Title>
          <PasswordField
            label="Current password"
            value={current}
            onChange={setCurrent}
            autoComplete="current-password"
            showStrength={false}
            required
            error={touched && !current ? "Enter your current password" : undefined}
          />
          <PasswordField
            label="New password"
            value={next}
            onChange={setNext}
            required
            error={touched ? policyError : undefined}
          />
          <PasswordField
            label="Confirm new password"
            value={confirm}
            onChange={setConfirm}
            showStrength={false}
            required
            error={touched && mismatch ? "The passwords do not match" : undefined}
          />
          <Text size="xs" c="dimmed">
            Changing your password signs out every other session.
          </Text>
          <ErrorAlert error={update.error} />
          <Group justify="flex-end">
            <Button type="submit" loading={update.isPending}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
