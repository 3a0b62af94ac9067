import { ActionIcon, Group, NumberInput, Select, Stack, Text, Tooltip } from "@mantine/core";
import { IconTrash } from "@tabler/icons-react";
import type { ModelConfig } from "@/lib/api-types";
import { lorasFor, vaesFor } from "../utils/models";
import { LIMITS, type GenerateParams, type ParamErrors } from "../utils/params";

interface Props {
  params: GenerateParams;
  models: readonly ModelConfig[];
  base: string | undefined;
  errors: ParamErrors;
  onChange: (changes: Partial<GenerateParams>) => void;
}

/** LoRAs (several, each with a weight; only those of the model's base) and the VAE. */
export function LoraVaeFields({ params, models, base, errors, onChange }: Props) {
  const loras = lorasFor(models, base);
  const chosen = new Set(params.loras.map((l) => l.key));
  const vaes = vaesFor(models, base);
  const nameOf = (key: string) => models.find((m) => m.key === key)?.name ?? "Not installed";
  const setWeight = (key: string, weight: number) =>
    onChange({ loras: params.loras.map((l) => (l.key === key ? { ...l, weight } : l)) });

  return (
    <Stack gap="xs">
      <Select
        label="LoRAs"
        placeholder={loras.length === 0 ? `No LoRA installed for ${base ?? "this model"}` : "Add a LoRA"}
        data={loras.filter((l) => !chosen.has(l.key)).map((l) => ({ value: l.key, label: l.name }))}
        value={null}
        onChange={(key) => key && onChange({ loras: [...params.loras, { key, weight: 0.75 }] })}
        disabled={loras.length === 0}
        searchable
        error={errors.loras}
      />
      {params.loras.map((lora) => (
        <Group key={lora.key} gap="xs" wrap="nowrap" data-testid="chosen-lora">
          <Text size="sm" style={{ flex: 1 }} truncate>
            {nameOf(lora.key)}
          </Text>
          <NumberInput
            w={90}
            size="xs"
            aria-label={`Weight of ${nameOf(lora.key)}`}
            value={lora.weight}
            onChange={(v) => setWeight(lora.key, typeof v === "number" ? v : Number.NaN)}
            min={LIMITS.loraWeight.min}
            max={LIMITS.loraWeight.max}
            step={0.05}
            decimalScale={2}
          />
          <Tooltip label="Remove">
            <ActionIcon
              variant="subtle"
              color="gray"
              aria-label={`Remove ${nameOf(lora.key)}`}
              onClick={() => onChange({ loras: params.loras.filter((l) => l.key !== lora.key) })}
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Tooltip>
        </Group>
      ))}
      <Select
        label="VAE"
        data={[{ value: "", label: "The model's own" }, ...vaes.map((v) => ({ value: v.key, label: v.name }))]}
        value={params.vaeKey ?? ""}
        onChange={(key) => onChange({ vaeKey: key ? key : null })}
        allowDeselect={false}
        error={errors.vaeKey}
      />
    </Stack>
  );
}
