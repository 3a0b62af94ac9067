import {
  Badge,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Loader,
  Modal,
  NumberInput,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useState, type FormEvent } from "react";
import { DialogActions } from "@/components/dialog-actions";
import { ErrorAlert } from "@/components/error-alert";
import { TableHeader } from "@/components/table-header";
import { useSession } from "@/hooks/use-session";
import { formatDateTime } from "@/lib/format";
import type { ApiTokenCreated, ApiTokenScope } from "@/lib/api-types";
import { useCreateApiToken } from "../api/create-api-token";
import { useApiTokens } from "../api/list-api-tokens";
import { useRevokeApiToken } from "../api/revoke-api-token";
import { AccountSection } from "./account-section";
import { DEFAULT_EXPIRY_DAYS, MAX_EXPIRY_DAYS, SCOPES, tokenFormErrors, type TokenForm } from "../utils/token-form";

/** Personal API tokens (SPEC §16): for scripts, never shown again after creation. */
export function ApiTokensPanel() {
  const tokens = useApiTokens();
  const revoke = useRevokeApiToken();
  const [creating, { open, close }] = useDisclosure(false);

  return (
    <AccountSection
      headingId="tokens-heading"
      title="API tokens"
      aside={
        <Button variant="light" onClick={open}>
          New token
        </Button>
      }
    >
      <Text size="sm" c="dimmed">
        For scripts and other programs: send <Code>Authorization: Bearer gsk_…</Code>. A token only does what
        its scopes allow, and never more than your account may.
      </Text>
      <ErrorAlert error={tokens.error ?? revoke.error} />
      {tokens.isPending ? (
        <Loader size="sm" aria-label="Loading tokens" />
      ) : tokens.data && tokens.data.length === 0 ? (
        <Text size="sm">You have no API tokens.</Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="sm" aria-label="API tokens">
            <TableHeader
              columns={["Name", "Scopes", "Expires", "Last used"]}
              actions={<VisuallyHidden>Actions</VisuallyHidden>}
            />
            <Table.Tbody>
              {(tokens.data ?? []).map((token) => (
                <Table.Tr key={token.token_id}>
                  <Table.Td>
                    <Text size="sm">{token.name}</Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {token.prefix}…
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {token.scopes.map((scope) => (
                        <Badge key={scope} size="sm" variant="light">
                          {scope}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatDateTime(token.expires_at)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{token.last_used_at ? formatDateTime(token.last_used_at) : "Never"}</Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Button
                      size="xs"
                      variant="default"
                      color="red"
                      aria-label={`Revoke ${token.name}`}
                      loading={revoke.isPending && revoke.variables === token.token_id}
                      onClick={() => revoke.mutate(token.token_id)}
                    >
                      Revoke
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {/* A portal: it takes no room in the section's column. */}
      <Modal opened={creating} onClose={close} title="New API token" centered size="lg">
        {creating && <CreateTokenForm onDone={close} />}
      </Modal>
    </AccountSection>
  );
}

function CreateTokenForm({ onDone }: { onDone: () => void }) {
  const { user } = useSession();
  const create = useCreateApiToken();
  const [form, setForm] = useState<TokenForm>({ name: "", scopes: ["read"], expiresInDays: DEFAULT_EXPIRY_DAYS });
  const [submitted, setSubmitted] = useState(false);
  const [created, setCreated] = useState<ApiTokenCreated | null>(null);
  const errors = submitted ? tokenFormErrors(form) : {};

  if (created) return <CreatedToken token={created} onDone={onDone} />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (Object.keys(tokenFormErrors(form)).length > 0) return;
    create.mutate(
      { name: form.name.trim(), scopes: form.scopes, expires_in_days: form.expiresInDays },
      { onSuccess: setCreated },
    );
  };

  return (
    <form onSubmit={submit}>
      <Stack>
        <TextInput
          label="Name"
          description="What the token is for"
          value={form.name}
          maxLength={100}
          error={errors.name}
          onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
          data-autofocus
        />
        <Checkbox.Group
          label="Scopes"
          value={form.scopes}
          error={errors.scopes}
          onChange={(values) => setForm({ ...form, scopes: values as ApiTokenScope[] })}
        >
          <Stack gap={6} mt={6}>
            {SCOPES.filter((scope) => user.is_admin || !scope.adminOnly).map((scope) => (
              <Checkbox key={scope.value} value={scope.value} label={scope.label} />
            ))}
          </Stack>
        </Checkbox.Group>
        <NumberInput
          label="Expires after (days)"
          value={form.expiresInDays}
          min={1}
          max={MAX_EXPIRY_DAYS}
          allowDecimal={false}
          error={errors.expiresInDays}
          onChange={(v) => setForm({ ...form, expiresInDays: typeof v === "number" ? v : Number.NaN })}
        />
        <ErrorAlert error={create.error} />
        <DialogActions onCancel={onDone} confirmLabel="Create token" loading={create.isPending} />
      </Stack>
    </form>
  );
}

function CreatedToken({ token, onDone }: { token: ApiTokenCreated; onDone: () => void }) {
  return (
    <Stack>
      <Text size="sm">
        Copy the token now: <strong>it will not be shown again</strong>. Anyone who has it can act as you within
        its scopes until it expires or you revoke it.
      </Text>
      <Code block data-testid="new-api-token" style={{ wordBreak: "break-all" }}>
        {token.token}
      </Code>
      <Group justify="flex-end">
        <CopyButton value={token.token}>
          {({ copied, copy }) => (
            <Button variant="light" color={copied ? "teal" : undefined} onClick={copy}>
              {copied ? "Copied" : "Copy"}
            </Button>
          )}
        </CopyButton>
        <Button onClick={onDone}>Done</Button>
      </Group>
    </Stack>
  );
}
