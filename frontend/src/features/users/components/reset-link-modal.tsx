import { Button, Group, Modal, NumberInput, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { ErrorAlert } from "@/components/error-alert";
import type { UserDTO } from "@/lib/api-types";
import { useCreateResetLink } from "../api/create-reset-link";
import { LinkOnce } from "./link-once";

export function ResetLinkModal({ user, onClose }: { user: UserDTO; onClose: () => void }) {
  const [hours, setHours] = useState<number | string>(24);
  const create = useCreateResetLink();

  return (
    <Modal opened onClose={onClose} title={`Password-reset link for ${user.email}`} centered size="lg">
      <Stack>
        {create.data ? (
          <LinkOnce url={create.data.url} expiresAt={create.data.expires_at} label="Reset link" />
        ) : (
          <>
            <Text size="sm">
              The link lets {user.email} choose a new password once. Any older link for them stops working.
            </Text>
            <NumberInput label="Valid for (hours)" min={1} max={2160} value={hours} onChange={setHours} />
          </>
        )}
        <ErrorAlert error={create.error} />
        <Group justify="flex-end">
          {create.data ? (
            <Button onClick={onClose}>Done</Button>
          ) : (
            <>
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button
                loading={create.isPending}
                onClick={() => create.mutate({ userId: user.user_id, hours: Math.max(1, Math.round(Number(hours))) })}
              >
                Make reset link
              </Button>
            </>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
