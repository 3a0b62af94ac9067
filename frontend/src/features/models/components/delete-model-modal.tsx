import { Code, Modal, Stack, Text } from "@mantine/core";
import { DialogActions } from "@/components/dialog-actions";
import { ErrorAlert } from "@/components/error-alert";
import { notifySuccess } from "@/components/notify";
import type { ModelConfig } from "@/lib/api-types";
import { useDeleteModel } from "../api/delete-model";

export function DeleteModelModal({ model, onClose }: { model: ModelConfig; onClose: () => void }) {
  const remove = useDeleteModel();
  const confirm = () =>
    remove.mutate(model.key, {
      onSuccess: () => {
        notifySuccess(`Deleted ${model.name}`);
        onClose();
      },
    });
  return (
    <Modal opened onClose={onClose} title={`Delete ${model.name}?`} centered>
      <Stack>
        <Text size="sm">
          Nobody can generate with it any more. Files that the install copied into the models folder are deleted;
          files installed in place stay where they are.
        </Text>
        <Code block>{model.source}</Code>
        <ErrorAlert error={remove.error} title="Could not delete the model" />
        <DialogActions
          onCancel={onClose}
          confirmLabel="Delete model"
          onConfirm={confirm}
          danger
          loading={remove.isPending}
        />
      </Stack>
    </Modal>
  );
}
