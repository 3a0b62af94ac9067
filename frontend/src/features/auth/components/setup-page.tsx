import { Button, Stack, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { PasswordField } from "@/components/password-field";
import { generatePassword, passwordPolicyError } from "@/lib/passwords";
import { useSetUpAdmin } from "../api/set-up-admin";

export function SetupPage({ strict }: { strict: boolean }) {
  const [email, setEmail] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [touched, setTouched] = useState(false);
  const setup = useSetUpAdmin();

  const policyError = passwordPolicyError(password, strict);
  const mismatch = confirm !== password;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!email.trim() || policyError || mismatch) return;
    setup.mutate({ email: email.trim(), display_name: displayName.trim() || null, password });
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Administrator setup">
      <Stack>
        <TextInput
          label="Email"
          description="This is the name you sign in with"
          placeholder="admin@example.com"
          type="email"
          autoComplete="username"
          required
          data-autofocus
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={touched && !email.trim() ? "Enter an email address" : undefined}
        />
        <TextInput
          label="Display name"
          description="How your name appears in the studio"
          placeholder="Administrator"
          autoComplete="name"
          value={displayName}
          onChange={(e) => setDisplayName(e.currentTarget.value)}
        />
        <PasswordField
          label="Password"
          required
          value={password}
          onChange={setPassword}
          onGenerate={() => {
            const generated = generatePassword();
            setConfirm(generated);
            return generated;
          }}
          description={
            strict
              ? "At least 8 characters with upper-case, lower-case letters and a digit"
              : "Any password works; a strong one is better"
          }
          error={touched ? policyError : undefined}
        />
        <PasswordField
          label="Confirm password"
          required
          value={confirm}
          onChange={setConfirm}
          showStrength={false}
          error={touched && mismatch ? "The passwords do not match" : undefined}
        />
        <ErrorAlert error={setup.error} title="Setup failed" />
        <Button type="submit" loading={setup.isPending} fullWidth size="md">
          Create administrator account
        </Button>
      </Stack>
    </form>
  );
}
