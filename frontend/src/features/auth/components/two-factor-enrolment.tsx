import { Alert, Button, Code, CopyButton, Group, List, Stack, Text, TextInput } from "@mantine/core";
import { QRCodeSVG } from "qrcode.react";
import { useState, type FormEvent } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { useEnableTwoFactor } from "../api/enable-two-factor";
import { useSetUpTwoFactor } from "../api/set-up-two-factor";

/** Scan a QR code (rendered here, in the browser), confirm with a code, keep the recovery codes. */
export function TwoFactorEnrolment({ onEnabled, onDone }: { onEnabled?: () => void; onDone?: () => void }) {
  const setup = useSetUpTwoFactor();
  const enable = useEnableTwoFactor();
  const [code, setCode] = useState("");

  if (enable.data) {
    const codes = enable.data.recovery_codes;
    return (
      <Stack>
        <Alert color="teal" variant="light" title="Two-factor authentication is on" role="status">
          Keep these recovery codes somewhere safe. Each works once instead of a code, and they are shown only now.
        </Alert>
        <List spacing={4} aria-label="Recovery codes" style={{ columns: 2 }}>
          {codes.map((c) => (
            <List.Item key={c}>
              <Code>{c}</Code>
            </List.Item>
          ))}
        </List>
        <Group justify="space-between">
          <CopyButton value={codes.join("\n")}>
            {({ copied, copy }) => (
              <Button variant="light" onClick={copy}>
                {copied ? "Copied" : "Copy codes"}
              </Button>
            )}
          </CopyButton>
          {onDone && <Button onClick={onDone}>Continue</Button>}
        </Group>
      </Stack>
    );
  }
  if (!setup.data) {
    return (
      <Stack>
        <Text size="sm">
          Use an authenticator app (Aegis, Google Authenticator, 1Password …) for a 6-digit code at each sign-in.
        </Text>
        <ErrorAlert error={setup.error} />
        <Button onClick={() => setup.mutate()} loading={setup.isPending}>
          Set up two-factor authentication
        </Button>
      </Stack>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (code.trim()) enable.mutate(code.trim(), { onSuccess: () => onEnabled?.() });
  };
  return (
    <form onSubmit={submit} aria-label="Confirm two-factor authentication">
      <Stack>
        <Text size="sm">Scan this code with your authenticator app, then enter the 6 digits it shows.</Text>
        <Group justify="center">
          <QRCodeSVG value={setup.data.otpauth_uri} size={196} marginSize={2} title="Two-factor QR code" />
        </Group>
        <Text size="xs" c="dimmed" ta="center">
          Cannot scan? Enter this key: <Code data-testid="totp-secret">{setup.data.secret}</Code>
        </Text>
        <TextInput
          label="Code from the app"
          inputMode="numeric"
          autoComplete="one-time-code"
          value={code}
          onChange={(e) => setCode(e.currentTarget.value)}
        />
        <ErrorAlert error={enable.error} />
        <Button type="submit" loading={enable.isPending}>
          Turn on
        </Button>
      </Stack>
    </form>
  );
}
