import { Alert, Button, Checkbox, PasswordInput, Stack, TextInput } from "@mantine/core";
import { IconInfoCircle } from "@tabler/icons-react";
import { useState, type FormEvent } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { getSignOutNotice } from "@/lib/auth-token";
import { useLogIn } from "../api/log-in";

export function LoginPage() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [rememberMe, setRememberMe] = useState(false);
  const [notice] = useState(getSignOutNotice);
  const login = useLogIn();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!email.trim() || !password) return;
    login.mutate({ email: email.trim(), password, remember_me: rememberMe });
  };

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
        <ErrorAlert error={login.error} />
        <Button type="submit" loading={login.isPending} fullWidth size="md">
          Sign in
        </Button>
      </Stack>
    </form>
  );
}
