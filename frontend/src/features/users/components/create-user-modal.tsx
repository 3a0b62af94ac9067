import { Modal, Stack, Switch, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState, type FormEvent } from "react";
import { DialogActions } from "@/components/dialog-actions";
import { ErrorAlert } from "@/components/error-alert";
import { PasswordField } from "@/components/password-field";
import { useSession } from "@/hooks/use-session";
import { passwordPolicyError } from "@/lib/passwords";
import { useCreateUser } from "../api/create-user";
import { generatePassword } from "../api/generate-password";

export function CreateUserModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { strictPasswordChecking } = useSession();
  const [email, setEmail] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [password, setPassword] = useState("");
  const [isAdmin, setIsAdmin] = useState(false);
  const [touched, setTouched] = useState(false);
  const create = useCreateUser();
  const policyError = passwordPolicyError(password, strictPasswordChecking);

  const close = () => {
    setEmail("");
    setDisplayName("");
    setPassword("");
    setIsAdmin(false);
    setTouched(false);
    create.reset();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!email.trim() || policyError) return;
    create.mutate(
      { email: email.trim(), display_name: displayName.trim() || null, password, is_admin: isAdmin },
      {
        onSuccess: (user) => {
          notifications.show({ color: "teal", message: `Created ${user.email}` });
          close();
        },
      },
    );
  };

  return (
    <Modal opened={opened} onClose={close} title="Add user" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label="Email"
            type="email"
            required
            data-autofocus
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={touched && !email.trim() ? "Enter an email address" : undefined}
          />
          <TextInput label="Display name" value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} />
          <PasswordField
            label="Password"
            required
            value={password}
            onChange={setPassword}
            onGenerate={generatePassword}
            description="Generate one and pass it on; the user can change it on their profile page"
            error={touched ? policyError : undefined}
          />
          <Switch label="Administrator" checked={isAdmin} onChange={(e) => setIsAdmin(e.currentTarget.checked)} />
          <ErrorAlert error={create.error} />
          <DialogActions onCancel={close} confirmLabel="Create user" loading={create.isPending} />
        </Stack>
      </form>
    </Modal>
  );
}
