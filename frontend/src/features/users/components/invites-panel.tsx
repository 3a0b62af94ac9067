import { ActionIcon, Badge, Button, Group, Loader, Paper, Stack, Table, Text, Tooltip } from "@mantine/core";
import { IconBan, IconPlus } from "@tabler/icons-react";
import { useState } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { formatDateTime } from "@/lib/format";
import { useInvites } from "../api/list-invites";
import { useRevokeInvite } from "../api/revoke-invite";
import { inviteStatus } from "../utils/invite-status";
import { CreateInviteModal } from "./create-invite-modal";

const STATUS_COLORS = { open: "teal", used: "gray", revoked: "red", expired: "orange" } as const;

export function InvitesPanel() {
  const invites = useInvites();
  const revoke = useRevokeInvite();
  const [creating, setCreating] = useState(false);

  return (
    <Stack>
      <Group justify="flex-end">
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          New invite
        </Button>
      </Group>
      <ErrorAlert error={invites.error ?? revoke.error} />
      <Paper withBorder radius="md">
        {invites.isPending ? (
          <Group justify="center" p="xl">
            <Loader aria-label="Loading invites" />
          </Group>
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing="sm" aria-label="Invites">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>For</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Made</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th ta="right">Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(invites.data ?? []).map((invite) => {
                  const status = inviteStatus(invite);
                  return (
                    <Table.Tr key={invite.invite_id}>
                      <Table.Td>
                        <Text size="sm">{invite.email ?? "Anyone with the link"}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={invite.is_admin ? "grape" : "gray"}>
                          {invite.is_admin ? "Administrator" : "User"}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{formatDateTime(invite.created_at)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{formatDateTime(invite.expires_at)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="dot" color={STATUS_COLORS[status]}>
                          {status}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Group justify="flex-end">
                          {status === "open" && (
                            <Tooltip label="Revoke">
                              <ActionIcon
                                variant="subtle"
                                color="red"
                                aria-label={`Revoke invite for ${invite.email ?? "anyone"}`}
                                onClick={() => revoke.mutate(invite.invite_id)}
                              >
                                <IconBan size={18} />
                              </ActionIcon>
                            </Tooltip>
                          )}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
                {invites.data?.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={6}>
                      <Text c="dimmed" ta="center" py="md">
                        No invites yet.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      {creating && <CreateInviteModal onClose={() => setCreating(false)} />}
    </Stack>
  );
}
