import {
  Modal,
  MultiSelect,
  NumberInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { useState, type FormEvent } from "react";
import { DialogActions } from "@/components/dialog-actions";
import { ErrorAlert } from "@/components/error-alert";
import { useSession } from "@/hooks/use-session";
import { notifySuccess } from "@/components/notify";
import type { ModelConfig, SchedulerName } from "@/lib/api-types";
import { SCHEDULER_OPTIONS } from "@/lib/schedulers";
import { useAccessCandidates } from "../api/list-access-candidates";
import { useUpdateModel } from "../api/update-model";
import { modelChanges, modelForm, modelFormErrors, type ModelForm } from "../utils/models";

const asNumber = (value: string | number): number | "" => (typeof value === "number" ? value : "");

export function EditModelModal({ model, onClose }: { model: ModelConfig; onClose: () => void }) {
  const session = useSession();
  const [form, setForm] = useState<ModelForm>(() => modelForm(model));
  const [submitted, setSubmitted] = useState(false);
  const update = useUpdateModel();
  const errors = submitted ? modelFormErrors(form) : {};
  const set = <K extends keyof ModelForm>(key: K, value: ModelForm[K]) => setForm((f) => ({ ...f, [key]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (Object.keys(modelFormErrors(form)).length > 0) return;
    update.mutate(
      { key: model.key, changes: modelChanges(model, form) },
      {
        onSuccess: (saved) => {
          notifySuccess(`Saved ${saved.name}`);
          onClose();
        },
      },
    );
  };

  return (
    <Modal opened onClose={onClose} title={`Edit ${model.name}`} centered size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label="Name"
            value={form.name}
            onChange={(e) => set("name", e.currentTarget.value)}
            error={errors.name}
            required
            data-autofocus
          />
          <Textarea
            label="Description"
            value={form.description}
            onChange={(e) => set("description", e.currentTarget.value)}
            autosize
            minRows={2}
            maxRows={6}
          />
          {model.type === "main" && (
            <>
              <Text size="sm" fw={600} mt="xs">
                Default settings
                <Text span size="xs" c="dimmed" fw={400} ml={6}>
                  used by the Generate panel when this model is picked; leave empty for the studio's defaults
                </Text>
              </Text>
              <SimpleGrid cols={2}>
                <NumberInput label="Width" value={form.width} onChange={(v) => set("width", asNumber(v))} step={8} min={64} max={8192} error={errors.width} />
                <NumberInput label="Height" value={form.height} onChange={(v) => set("height", asNumber(v))} step={8} min={64} max={8192} error={errors.height} />
                <NumberInput label="Steps" value={form.steps} onChange={(v) => set("steps", asNumber(v))} min={1} max={500} error={errors.steps} />
                <NumberInput
                  label="CFG scale"
                  value={form.cfgScale}
                  onChange={(v) => set("cfgScale", asNumber(v))}
                  min={1}
                  max={50}
                  step={0.5}
                  decimalScale={2}
                  error={errors.cfgScale}
                />
              </SimpleGrid>
              <Select
                label="Scheduler"
                placeholder="Studio default"
                data={SCHEDULER_OPTIONS}
                value={form.scheduler}
                onChange={(value) => set("scheduler", value as SchedulerName | null)}
                clearable
                searchable
              />
            </>
          )}
          {session.multiuser && <AccessFields form={form} set={set} />}
          <ErrorAlert error={update.error} title="Could not save the model" />
          <DialogActions onCancel={onClose} confirmLabel="Save changes" loading={update.isPending} />
        </Stack>
      </form>
    </Modal>
  );
}

function AccessFields({
  form,
  set,
}: {
  form: ModelForm;
  set: <K extends keyof ModelForm>(key: K, value: ModelForm[K]) => void;
}) {
  const candidates = useAccessCandidates(true);
  const users = (candidates.data?.users ?? []).map((u) => ({
    value: u.user_id,
    label: u.display_name ? `${u.display_name} (${u.email})` : u.email,
  }));
  const groups = (candidates.data?.groups ?? []).map((g) => ({ value: g.group_id, label: g.name }));
  return (
    <Stack gap="xs" mt="xs">
      <Text size="sm" fw={600}>
        Who may use it
      </Text>
      <SegmentedControl
        aria-label="Who may use it"
        value={form.access}
        onChange={(value) => set("access", value as ModelForm["access"])}
        data={[
          { value: "everyone", label: "Everyone" },
          { value: "restricted", label: "Only chosen people" },
        ]}
      />
      {form.access === "restricted" && (
        <>
          <Text size="xs" c="dimmed">
            Administrators always may. Everyone else does not see the model, and graphs that name it are refused.
          </Text>
          <MultiSelect
            label="Allowed people"
            searchable
            data={users}
            value={form.allowedUserIds}
            onChange={(ids) => set("allowedUserIds", ids)}
          />
          <MultiSelect
            label="Allowed groups"
            searchable
            data={groups}
            value={form.allowedGroupIds}
            onChange={(ids) => set("allowedGroupIds", ids)}
          />
          <ErrorAlert error={candidates.error} />
        </>
      )}
    </Stack>
  );
}
