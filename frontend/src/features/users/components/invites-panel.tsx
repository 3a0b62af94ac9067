import { Badge, Button, Group, Stack, Table, Text } from "@mantine/core";
import { IconBan, IconPlus } from "@tabler/icons-react";
import { useState } from "react";
import { EmptyTableRow } from "@/components/empty-table-row";
import { ErrorAlert } from "@/components/error-alert";
import { RoleBadge } from "@/components/role-badge";
import { RowAction } from "@/components/row-action";
import { TableCard } from "@/components/table-card";
import { TableHeader } from "@/components/table-header";
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
      <TableCard loading={invites.isPending} loadingLabel="Loading invites" minWidth={720}>
        <Table verticalSpacing="sm" aria-label="Invites">
          <TableHeader columns={["For", "Role", "Made", "Expires", "Status"]} actions="Actions" />
          <Table.Tbody>
            {(invites.data ?? []).map((invite) => {
              const status = inviteStatus(invite);
              return (
                <Table.Tr key={invite.invite_id}>
                  <Table.Td>
                    <Text size="sm">{invite.email ?? "Anyone with the link"}</Text>
                  </Table.Td>
                  <Table.Td>
                    <RoleBadge isAdmin={invite.is_admin} />
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
                        <RowAction
                          label="Revoke"
                          ariaLabel={`Revoke invite for ${invite.email ?? "anyone"}`}
                          icon={IconBan}
                          danger
                          onClick={() => revoke.mutate(invite.invite_id)}
                        />
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
            {invites.data?.length === 0 && <EmptyTableRow colSpan={6}>No invites yet.</EmptyTableRow>}
          </Table.Tbody>
        </Table>
      </TableCard>
      {creating && <CreateInviteModal onClose={() => setCreating(false)} />}
    </Stack>
  );
}
