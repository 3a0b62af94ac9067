import { Alert, Button, Divider, Group, Modal, NumberInput, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { ErrorAlert } from "@/components/error-alert";
import type { UserDTO } from "@/lib/api-types";
import { useCreateResetLink } from "../api/create-reset-link";
import { useResetTwoFactor } from "../api/reset-two-factor";
import { LinkOnce } from "./link-once";

export function ResetLinkModal({ user, onClose }: { user: UserDTO; onClose: () => void }) {
  const [hours, setHours] = useState<number | string>(24);
  const create = useCreateResetLink();
  const resetTwoFactor = useResetTwoFactor();

  return (
    <Modal opened onClose={onClose} title={`Account recovery for ${user.email}`} centered size="lg">
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
        <Divider label="Lost their authenticator app?" labelPosition="left" />
        {resetTwoFactor.isSuccess ? (
          <Alert color="teal" variant="light" title="Two-factor authentication is off">
            {user.email} signs in with their password alone now and can set it up again in their profile.
          </Alert>
        ) : (
          <Group justify="space-between" wrap="nowrap">
            <Text size="sm">Turn off their two-factor authentication (their recovery codes stop working too).</Text>
            <Button
              variant="default"
              color="red"
              loading={resetTwoFactor.isPending}
              onClick={() => resetTwoFactor.mutate(user.user_id)}
            >
              Turn off two-factor
            </Button>
          </Group>
        )}
        <ErrorAlert error={resetTwoFactor.error} />
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
