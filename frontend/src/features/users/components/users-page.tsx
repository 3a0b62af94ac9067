import { Badge, Button, Group, Stack, Table, Tabs, Text, Title } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { IconKey, IconPencil, IconPlus, IconTrash } from "@tabler/icons-react";
import { useState } from "react";
import { Link } from "react-router";
import { EmptyTableRow } from "@/components/empty-table-row";
import { ErrorAlert } from "@/components/error-alert";
import { Pager } from "@/components/pager";
import { RoleBadge } from "@/components/role-badge";
import { RowAction } from "@/components/row-action";
import { TableCard } from "@/components/table-card";
import { TableHeader } from "@/components/table-header";
import { useSession } from "@/hooks/use-session";
import type { UserDTO } from "@/lib/api-types";
import { formatDateTime } from "@/lib/format";
import { useGroupsByUser } from "../api/list-user-groups";
import { useUsersPage } from "../api/list-users";
import { CreateUserModal } from "./create-user-modal";
import { DeleteUserModal } from "./delete-user-modal";
import { EditUserModal } from "./edit-user-modal";
import { InvitesPanel } from "./invites-panel";
import { ResetLinkModal } from "./reset-link-modal";

const PAGE_SIZE = 25;

/** Administrators: people (with their accounts) and invite links, on two tabs. */
export function UsersPage() {
  return (
    <Stack p="lg" gap="lg" maw={1100} mx="auto" w="100%">
      <Title order={1} size="h2">
        Users
      </Title>
      <Tabs defaultValue="people" keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="people">People</Tabs.Tab>
          <Tabs.Tab value="invites">Invites</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="people">
          <PeoplePanel />
        </Tabs.Panel>
        <Tabs.Panel value="invites">
          <InvitesPanel />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

function PeoplePanel() {
  const { user: me } = useSession();
  const [offset, setOffset] = useState(0);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<UserDTO | null>(null);
  const [deleting, setDeleting] = useState<UserDTO | null>(null);
  const [resetting, setResetting] = useState<UserDTO | null>(null);
  const page = useUsersPage(offset, PAGE_SIZE);
  const groupsByUser = useGroupsByUser().data;
  const users = page.data?.items ?? [];
  const pageNumber = offset / PAGE_SIZE + 1;
  // Phones: each user is a stacked card (global .table-as-list), never a table to scroll sideways.
  const phone = useMediaQuery("(max-width: 48em)") ?? false;

  return (
    <Stack gap="lg">
      <Group justify="flex-end" gap="xs">
        <Button component={Link} to="/groups" variant="default">
          Groups
        </Button>
        <Button component={Link} to="/quotas" variant="default">
          Quotas and usage
        </Button>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          Add user
        </Button>
      </Group>
      <ErrorAlert error={page.error} />
      <TableCard loading={page.isPending} loadingLabel="Loading users" minWidth={phone ? 0 : 720}>
        <Table verticalSpacing="sm" highlightOnHover aria-label="Users" className="table-as-list">
          <TableHeader columns={["Name", "Email", "Role", "Groups", "Status", "Last sign-in"]} actions="Actions" />
          <Table.Tbody>
            {users.map((user) => (
              <Table.Tr key={user.user_id}>
                <Table.Td>
                  <Group gap="xs">
                    <Text size="sm" fw={500}>
                      {user.display_name || "—"}
                    </Text>
                    {user.user_id === me.user_id && (
                      <Badge size="xs" variant="outline" color="gray">
                        You
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{user.email}</Text>
                </Table.Td>
                <Table.Td>
                  <RoleBadge isAdmin={user.is_admin} />
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {(groupsByUser?.get(user.user_id) ?? []).map((name) => (
                      <Badge key={name} size="sm" variant="light" color="gray">
                        {name}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Badge variant="dot" color={user.is_active ? "teal" : "red"}>
                    {user.is_active ? "Active" : "Disabled"}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatDateTime(user.last_login_at)}</Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4} justify="flex-end" wrap="nowrap">
                    <RowAction label="Edit" ariaLabel={`Edit ${user.email}`} icon={IconPencil} onClick={() => setEditing(user)} />
                    <RowAction
                      label="Account recovery (reset link, two-factor)"
                      ariaLabel={`Reset link for ${user.email}`}
                      icon={IconKey}
                      onClick={() => setResetting(user)}
                    />
                    <RowAction
                      label="Delete"
                      ariaLabel={`Delete ${user.email}`}
                      icon={IconTrash}
                      danger
                      onClick={() => setDeleting(user)}
                    />
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
            {users.length === 0 && <EmptyTableRow colSpan={7}>No users on this page.</EmptyTableRow>}
          </Table.Tbody>
        </Table>
      </TableCard>
      <Pager
        summary={`Page ${pageNumber}`}
        hasPrevious={offset > 0}
        hasNext={Boolean(page.data?.hasNext)}
        onPrevious={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
        onNext={() => setOffset(offset + PAGE_SIZE)}
      />
      <CreateUserModal opened={creating} onClose={() => setCreating(false)} />
      {editing && <EditUserModal user={editing} onClose={() => setEditing(null)} />}
      {deleting && <DeleteUserModal user={deleting} onClose={() => setDeleting(null)} />}
      {resetting && <ResetLinkModal user={resetting} onClose={() => setResetting(null)} />}
    </Stack>
  );
}
