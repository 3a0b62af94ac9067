import { Badge, Button, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { useDisableTwoFactor } from "../api/disable-two-factor";
import { useTwoFactor } from "../api/get-two-factor";
import { AccountSection } from "./account-section";
import { TwoFactorEnrolment } from "./two-factor-enrolment";

/** Profile: turn two-factor authentication on (QR code, recovery codes) or off (password + code). */
export function TwoFactorPanel() {
  const status = useTwoFactor();
  const disable = useDisableTwoFactor();
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  // Keeps the enrolment (and its recovery codes) on screen after it turned 2FA on.
  const [showCodes, setShowCodes] = useState(false);
  const enabled = status.data?.enabled ?? false;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password && code.trim()) disable.mutate({ password, code: code.trim() });
  };

  return (
    <AccountSection
      headingId="two-factor-heading"
      title="Two-factor authentication"
      aside={
        <Badge variant="light" color={enabled ? "teal" : "gray"}>
          {enabled ? "On" : "Off"}
        </Badge>
      }
    >
      <ErrorAlert error={status.error} />
      {((status.data && !enabled) || showCodes) && (
        <TwoFactorEnrolment onEnabled={() => setShowCodes(true)} onDone={() => setShowCodes(false)} />
      )}
      {enabled && !showCodes && (
        <form onSubmit={submit} aria-label="Turn off two-factor authentication">
          <Stack>
            <Text size="sm">
              {status.data?.recovery_codes_left ?? 0} unused recovery codes left.
              {status.data?.required ? " This server requires two-factor authentication for your account." : ""}
            </Text>
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <TextInput
              label="Code or recovery code"
              autoComplete="one-time-code"
              value={code}
              onChange={(e) => setCode(e.currentTarget.value)}
            />
            <ErrorAlert error={disable.error} />
            <Button type="submit" color="red" variant="light" loading={disable.isPending}>
              Turn off
            </Button>
          </Stack>
        </form>
      )}
    </AccountSection>
  );
}
