import { Badge, Button, Group, Loader, Modal, Stack, Table, Text, VisuallyHidden } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { DialogActions } from "@/components/dialog-actions";
import { ErrorAlert } from "@/components/error-alert";
import { TableHeader } from "@/components/table-header";
import { formatDateTime } from "@/lib/format";
import { useLogOutEverywhere } from "../api/log-out-everywhere";
import { useSessions } from "../api/list-sessions";
import { useRevokeSession } from "../api/revoke-session";
import { describeUserAgent } from "../utils/user-labels";
import { AccountSection } from "./account-section";

export function SessionsPanel() {
  const sessions = useSessions();
  const revoke = useRevokeSession();
  const logoutAll = useLogOutEverywhere();
  const [confirming, { open, close }] = useDisclosure(false);

  return (
    <AccountSection
      headingId="sessions-heading"
      title="Signed-in sessions"
      aside={
        <Button color="red" variant="light" onClick={open}>
          Log out everywhere
        </Button>
      }
    >
      <ErrorAlert error={sessions.error ?? revoke.error} />
      {sessions.isPending ? (
        <Loader size="sm" aria-label="Loading sessions" />
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="sm" highlightOnHover>
            <TableHeader columns={["Device", "Address", "Signed in"]} actions={<VisuallyHidden>Actions</VisuallyHidden>} />
            <Table.Tbody>
              {(sessions.data ?? []).map((session) => (
                <Table.Tr key={session.session_id}>
                  <Table.Td>
                    <Group gap="xs">
                      <Text size="sm" title={session.user_agent ?? undefined}>
                        {describeUserAgent(session.user_agent)}
                      </Text>
                      {session.is_current && (
                        <Badge size="sm" color="teal" variant="light">
                          This session
                        </Badge>
                      )}
                      {session.remember_me && (
                        <Badge size="sm" color="gray" variant="outline">
                          Remembered
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{session.ip_address ?? "—"}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatDateTime(session.created_at)}</Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Button
                      size="xs"
                      variant="default"
                      loading={revoke.isPending && revoke.variables?.session_id === session.session_id}
                      onClick={() => revoke.mutate(session)}
                    >
                      {session.is_current ? "Sign out" : "Revoke"}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {/* A portal: it takes no room in the section's column. */}
      <Modal opened={confirming} onClose={close} title="Log out everywhere?" centered>
        <Stack>
          <Text size="sm">Every session of your account ends, this one included. You will need to sign in again.</Text>
          <ErrorAlert error={logoutAll.error} />
          <DialogActions
            onCancel={close}
            confirmLabel="Log out everywhere"
            onConfirm={() => logoutAll.mutate()}
            danger
            loading={logoutAll.isPending}
          />
        </Stack>
      </Modal>
    </AccountSection>
  );
}
