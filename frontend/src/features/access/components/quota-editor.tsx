import { Button, Group, SimpleGrid, Stack, Text, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { ErrorAlert } from "@/components/error-alert";
import type { QuotaValues } from "@/lib/api-types";
import { describeLimit, fromForm, QUOTA_FIELDS, toForm, type QuotaKey } from "../utils/quota-form";

/** Edits one level's limits (a user's or a group's). `effective` shows what is in force now. */
export function QuotaEditor({
  values,
  effective,
  saving,
  error,
  onSave,
  emptyHint,
}: {
  values: Partial<QuotaValues>;
  effective?: QuotaValues;
  saving: boolean;
  error: unknown;
  onSave: (values: QuotaValues) => void;
  emptyHint: string;
}) {
  const [form, setForm] = useState(() => toForm(values));
  const [errors, setErrors] = useState<Partial<Record<QuotaKey, string>>>({});

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = fromForm(form);
    if ("errors" in result) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    onSave(result.values);
  };

  return (
    <form onSubmit={submit} aria-label="Limits">
      <Stack>
        <Text size="sm" c="dimmed">
          {emptyHint}
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {QUOTA_FIELDS.map((field) => (
            <TextInput
              key={field.key}
              label={field.unit ? `${field.label} (${field.unit})` : field.label}
              placeholder="not set"
              inputMode="numeric"
              value={form[field.key]}
              error={errors[field.key]}
              description={
                effective ? `In force: ${describeLimit(effective[field.key], field.unit)}` : undefined
              }
              onChange={(e) => setForm({ ...form, [field.key]: e.currentTarget.value })}
            />
          ))}
        </SimpleGrid>
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button type="submit" loading={saving}>
            Save limits
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
