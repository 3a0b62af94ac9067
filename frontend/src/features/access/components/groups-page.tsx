import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Loader,
  Modal,
  Paper,
  Select,
  Stack,
  Tabs,
  Text,
  TextInput,
  Textarea,
  Title,
} from "@mantine/core";
import { IconPlus, IconTrash, IconX } from "@tabler/icons-react";
import { useState, type FormEvent } from "react";
import { DialogActions } from "@/components/dialog-actions";
import { ErrorAlert } from "@/components/error-alert";
import type { GroupDTO } from "@/lib/api-types";
import { plural } from "@/lib/format";
import { useAddGroupMember } from "../api/add-group-member";
import { useCreateGroup } from "../api/create-group";
import { useDeleteGroup } from "../api/delete-group";
import { useGroupQuota } from "../api/get-group-quota";
import { useAllUsers } from "../api/list-all-users";
import { useGroups } from "../api/list-groups";
import { useRemoveGroupMember } from "../api/remove-group-member";
import { useSetGroupQuota } from "../api/set-group-quota";
import { useUpdateGroup } from "../api/update-group";
import { QuotaEditor } from "./quota-editor";

/** Administrators gather users into groups: for model access, default limits and board shares. */
export function GroupsPage() {
  const groups = useGroups();
  const [creating, setCreating] = useState(false);
  const [openGroupId, setOpenGroupId] = useState<string | null>(null);
  const open = groups.data?.find((g) => g.group_id === openGroupId) ?? null;

  return (
    <Stack p="lg" gap="lg" maw={1100} mx="auto" w="100%">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Groups
        </Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          New group
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        Groups give their members access to restricted models, default limits (the most generous group wins; a
        limit set on the user wins over all groups) and boards shared with the whole group.
      </Text>
      <ErrorAlert error={groups.error} />
      {groups.isPending && <Loader aria-label="Loading groups" />}
      {groups.data?.length === 0 && <Text c="dimmed">No groups yet.</Text>}
      <Stack gap="sm">
        {(groups.data ?? []).map((group) => (
          <Paper key={group.group_id} withBorder p="md" radius="md">
            <Group justify="space-between" wrap="nowrap">
              <div style={{ minWidth: 0 }}>
                <Text fw={600}>{group.name}</Text>
                {group.description && (
                  <Text size="sm" c="dimmed" truncate>
                    {group.description}
                  </Text>
                )}
                <Group gap={4} mt={4}>
                  {group.members.length === 0 ? (
                    <Text size="xs" c="dimmed">
                      No members
                    </Text>
                  ) : (
                    group.members.map((m) => (
                      <Badge key={m.user_id} size="sm" variant="light" color="gray">
                        {m.display_name || m.email}
                      </Badge>
                    ))
                  )}
                </Group>
              </div>
              <Button variant="default" onClick={() => setOpenGroupId(group.group_id)} aria-label={`Manage ${group.name}`}>
                Manage
              </Button>
            </Group>
          </Paper>
        ))}
      </Stack>
      {creating && <CreateGroupModal onClose={() => setCreating(false)} />}
      {open && <GroupModal group={open} onClose={() => setOpenGroupId(null)} />}
    </Stack>
  );
}

function CreateGroupModal({ onClose }: { onClose: () => void }) {
  const create = useCreateGroup();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    create.mutate({ name: name.trim(), description: description.trim() || null }, { onSuccess: onClose });
  };
  return (
    <Modal opened onClose={onClose} title="New group" centered>
      <form onSubmit={submit}>
        <Stack>
          <TextInput label="Name" required maxLength={100} value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
          <Textarea label="Description" maxLength={2000} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
          <ErrorAlert error={create.error} />
          <DialogActions
            onCancel={onClose}
            confirmLabel="Create group"
            loading={create.isPending}
            disabled={!name.trim()}
          />
        </Stack>
      </form>
    </Modal>
  );
}

function GroupModal({ group, onClose }: { group: GroupDTO; onClose: () => void }) {
  return (
    <Modal opened onClose={onClose} title={group.name} centered size="xl">
      <Tabs defaultValue="members">
        <Tabs.List>
          <Tabs.Tab value="members">Members ({group.members.length})</Tabs.Tab>
          <Tabs.Tab value="limits">Limits</Tabs.Tab>
          <Tabs.Tab value="settings">Name and deletion</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="members" pt="md">
          <Members group={group} />
        </Tabs.Panel>
        <Tabs.Panel value="limits" pt="md">
          <GroupLimits groupId={group.group_id} />
        </Tabs.Panel>
        <Tabs.Panel value="settings" pt="md">
          <GroupSettings group={group} onDeleted={onClose} />
        </Tabs.Panel>
      </Tabs>
    </Modal>
  );
}

function Members({ group }: { group: GroupDTO }) {
  const users = useAllUsers();
  const add = useAddGroupMember();
  const remove = useRemoveGroupMember();
  const [picked, setPicked] = useState<string | null>(null);
  const memberIds = new Set(group.members.map((m) => m.user_id));
  const candidates = (users.data ?? [])
    .filter((u) => !memberIds.has(u.user_id))
    .map((u) => ({ value: u.user_id, label: u.display_name ? `${u.display_name} (${u.email})` : u.email }));
  return (
    <Stack>
      <Text size="sm">{plural(group.members.length, "member")}</Text>
      {group.members.map((member) => (
        <Group key={member.user_id} justify="space-between">
          <Text size="sm">{member.display_name ? `${member.display_name} (${member.email})` : member.email}</Text>
          <ActionIcon
            variant="subtle"
            color="gray"
            aria-label={`Remove ${member.email} from ${group.name}`}
            onClick={() => remove.mutate({ groupId: group.group_id, userId: member.user_id })}
          >
            <IconX size={16} />
          </ActionIcon>
        </Group>
      ))}
      <Group align="flex-end">
        <Select
          flex={1}
          label="Add a member"
          placeholder="Pick a person"
          searchable
          data={candidates}
          value={picked}
          onChange={setPicked}
        />
        <Button
          disabled={!picked}
          loading={add.isPending}
          onClick={() =>
            picked && add.mutate({ groupId: group.group_id, userId: picked }, { onSuccess: () => setPicked(null) })
          }
        >
          Add
        </Button>
      </Group>
      <ErrorAlert error={users.error ?? add.error ?? remove.error} />
    </Stack>
  );
}

function GroupLimits({ groupId }: { groupId: string }) {
  const quota = useGroupQuota(groupId);
  const save = useSetGroupQuota();
  if (quota.isPending) return <Loader size="sm" aria-label="Loading limits" />;
  if (!quota.data) return <ErrorAlert error={quota.error} />;
  return (
    <QuotaEditor
      values={quota.data}
      saving={save.isPending}
      error={save.error}
      emptyHint="Defaults for the group's members. Empty = this group sets no limit."
      onSave={(values) => save.mutate({ groupId, values })}
    />
  );
}

function GroupSettings({ group, onDeleted }: { group: GroupDTO; onDeleted: () => void }) {
  const update = useUpdateGroup();
  const remove = useDeleteGroup();
  const [name, setName] = useState(group.name);
  const [description, setDescription] = useState(group.description ?? "");
  return (
    <Stack>
      <TextInput label="Name" maxLength={100} value={name} onChange={(e) => setName(e.currentTarget.value)} />
      <Textarea label="Description" maxLength={2000} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
      <ErrorAlert error={update.error ?? remove.error} />
      <Group justify="space-between">
        <Button
          color="red"
          variant="light"
          leftSection={<IconTrash size={16} />}
          loading={remove.isPending}
          onClick={() => remove.mutate(group.group_id, { onSuccess: onDeleted })}
        >
          Delete group
        </Button>
        <Button
          loading={update.isPending}
          disabled={!name.trim()}
          onClick={() => update.mutate({ groupId: group.group_id, name: name.trim(), description: description.trim() })}
        >
          Save
        </Button>
      </Group>
    </Stack>
  );
}
