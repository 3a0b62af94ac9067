import { Alert, Button, Checkbox, Divider, PasswordInput, Stack, TextInput } from "@mantine/core";
import { IconInfoCircle } from "@tabler/icons-react";
import { useState, type FormEvent } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { ApiError, buildUrl } from "@/lib/api-client";
import { getSignOutNotice } from "@/lib/auth-token";
import { useLogIn } from "../api/log-in";

const OTP_REQUIRED = "otp_required";

function asksForCode(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401 && error.message === OTP_REQUIRED;
}

interface LoginPageProps {
  /** "Sign in with <name>" when the server has single sign-on. */
  ssoName?: string | null;
  passwordLogin?: boolean;
  next?: string;
}

export function LoginPage({ ssoName = null, passwordLogin = true, next }: LoginPageProps) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [otp, setOtp] = useState("");
  const [needsCode, setNeedsCode] = useState(false);
  const [rememberMe, setRememberMe] = useState(false);
  const [notice] = useState(getSignOutNotice);
  const login = useLogIn();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!email.trim() || !password || (needsCode && !otp.trim())) return;
    login.mutate(
      { email: email.trim(), password, remember_me: rememberMe, otp: needsCode ? otp.trim() : null },
      { onError: (error) => asksForCode(error) && setNeedsCode(true) },
    );
  };
  const sso = ssoName ? (
    <Button
      component="a"
      href={buildUrl("api/v1/auth/oidc/login", next ? { next } : undefined)}
      variant={passwordLogin ? "default" : "filled"}
      fullWidth
      size="md"
    >
      Sign in with {ssoName}
    </Button>
  ) : null;
  if (!passwordLogin) return <Stack>{sso}</Stack>;

  return (
    <form onSubmit={submit} aria-label="Sign in">
      <Stack>
        {notice && !login.error && (
          <Alert color="blue" variant="light" icon={<IconInfoCircle />} role="status">
            {notice}
          </Alert>
        )}
        <TextInput
          label="Email"
          type="email"
          autoComplete="username"
          required
          data-autofocus
          autoFocus
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
        />
        <PasswordInput
          label="Password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
        />
        {needsCode && (
          <TextInput
            label="One-time code"
            description="From your authenticator app, or one of your recovery codes"
            autoComplete="one-time-code"
            autoFocus
            value={otp}
            onChange={(e) => setOtp(e.currentTarget.value)}
          />
        )}
        <Checkbox
          label="Remember me"
          description={
            rememberMe
              ? "Stay signed in on this browser for 7 days."
              : "You are signed out when the browser closes."
          }
          checked={rememberMe}
          onChange={(e) => setRememberMe(e.currentTarget.checked)}
        />
        <ErrorAlert error={asksForCode(login.error) ? null : login.error} />
        <Button type="submit" loading={login.isPending} fullWidth size="md">
          Sign in
        </Button>
        {sso && <Divider label="or" labelPosition="center" />}
        {sso}
      </Stack>
    </form>
  );
}
