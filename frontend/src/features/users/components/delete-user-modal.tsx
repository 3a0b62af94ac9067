import { Modal, Select, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { DialogActions } from "@/components/dialog-actions";
import { ErrorAlert } from "@/components/error-alert";
import type { UserDTO } from "@/lib/api-types";
import { useDeleteUser } from "../api/delete-user";
import { useAllUsers } from "../api/list-users";

export function DeleteUserModal({ user, onClose }: { user: UserDTO; onClose: () => void }) {
  const [reassignTo, setReassignTo] = useState<string | null>(null);
  const remove = useDeleteUser();
  const everyone = useAllUsers(true);
  const options = (everyone.data ?? [])
    .filter((other) => other.user_id !== user.user_id)
    .map((other) => ({ value: other.user_id, label: other.display_name ? `${other.display_name} (${other.email})` : other.email }));

  const confirm = () =>
    remove.mutate(
      { userId: user.user_id, reassignTo },
      {
        onSuccess: () => {
          notifications.show({ color: "teal", message: `Deleted ${user.email}` });
          onClose();
        },
      },
    );

  return (
    <Modal opened onClose={onClose} title={`Delete ${user.email}?`} centered>
      <Stack>
        <Text size="sm">
          The account is removed and signed out everywhere. Their boards and images are kept (visible to
          administrators) unless you give them to someone else.
        </Text>
        <Select
          label="Give their boards and images to"
          placeholder="Nobody — keep them as they are"
          data={options}
          value={reassignTo}
          onChange={setReassignTo}
          clearable
          searchable
          nothingFoundMessage="No other users"
        />
        <ErrorAlert error={remove.error} title="Could not delete the user" />
        <DialogActions
          onCancel={onClose}
          confirmLabel="Delete user"
          onConfirm={confirm}
          danger
          loading={remove.isPending}
        />
      </Stack>
    </Modal>
  );
}
