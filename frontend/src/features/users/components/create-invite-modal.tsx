import { Button, Group, Modal, NumberInput, Stack, Switch, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { DialogActions } from "@/components/dialog-actions";
import { ErrorAlert } from "@/components/error-alert";
import { useCreateInvite } from "../api/create-invite";
import { LinkOnce } from "./link-once";

export function CreateInviteModal({ onClose }: { onClose: () => void }) {
  const [email, setEmail] = useState("");
  const [isAdmin, setIsAdmin] = useState(false);
  const [days, setDays] = useState<number | string>(3);
  const create = useCreateInvite();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const hours = Math.round(Number(days) * 24);
    if (!(hours >= 1)) return;
    create.mutate({ email: email.trim() || null, is_admin: isAdmin, expires_in_hours: hours });
  };

  return (
    <Modal opened onClose={onClose} title="New invite" centered size="lg">
      {create.data ? (
        <Stack>
          <LinkOnce url={create.data.url} expiresAt={create.data.expires_at} label="Invite link" />
          <Group justify="flex-end">
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <TextInput
              label="Email"
              description="Optional: only this address may accept the invite"
              type="email"
              data-autofocus
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
            <Switch label="Administrator" checked={isAdmin} onChange={(e) => setIsAdmin(e.currentTarget.checked)} />
            <NumberInput label="Valid for (days)" min={1} max={90} value={days} onChange={setDays} />
            <ErrorAlert error={create.error} />
            <DialogActions onCancel={onClose} confirmLabel="Make invite link" loading={create.isPending} />
          </Stack>
        </form>
      )}
    </Modal>
  );
}
