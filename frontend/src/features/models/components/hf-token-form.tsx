import { Badge, Button, Group, PasswordInput, Stack, Text } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { notifySuccess } from "@/components/notify";
import { useHfTokenStatus } from "../api/get-hf-token-status";
import { useResetHfToken } from "../api/reset-hf-token";
import { useSetHfToken } from "../api/set-hf-token";
import { TOKEN_STATUS } from "../utils/hub";

/** The server's Hugging Face token: its status, set a new one, or remove it. The token is sent
 * to the server once and never shown again. */
export function HfTokenForm() {
  const status = useHfTokenStatus(true);
  const save = useSetHfToken();
  const reset = useResetHfToken();
  const [token, setToken] = useState("");
  const [rejected, setRejected] = useState(false);
  const shown = status.data ? TOKEN_STATUS[status.data] : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!token.trim()) return;
    save.mutate(token.trim(), {
      onSuccess: (answer) => {
        setRejected(answer === "invalid");
        if (answer !== "invalid") {
          notifySuccess("Hugging Face token saved");
          setToken("");
        }
      },
    });
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Hugging Face token">
      <Stack gap="xs">
        <Group gap="xs">
          <Text size="sm" fw={600}>
            Hugging Face token
          </Text>
          {shown && (
            <Badge color={shown.color} variant="light" data-testid="hf-token-status">
              {shown.label}
            </Badge>
          )}
        </Group>
        <Text size="xs" c="dimmed">
          Gated and private repos need a token from an account that may read them. It is kept on this server and
          sent only to the Hugging Face hub.
        </Text>
        <Group align="flex-start" gap="sm" wrap="nowrap">
          <PasswordInput
            style={{ flex: 1 }}
            aria-label="New Hugging Face token"
            placeholder="hf_…"
            value={token}
            onChange={(event) => {
              setToken(event.currentTarget.value);
              setRejected(false);
            }}
            error={rejected ? "The hub did not accept this token" : null}
            autoComplete="off"
          />
          <Button type="submit" variant="light" loading={save.isPending} disabled={!token.trim()}>
            Save token
          </Button>
          {status.data && status.data !== "invalid" && (
            <Button variant="subtle" color="red" loading={reset.isPending} onClick={() => reset.mutate()}>
              Remove token
            </Button>
          )}
        </Group>
        <ErrorAlert error={status.error ?? save.error ?? reset.error} />
      </Stack>
    </form>
  );
}
