import { ActionIcon, Group, NumberInput, Select, SimpleGrid, Stack, Switch, Tooltip } from "@mantine/core";
import { IconArrowsExchange, IconDice5 } from "@tabler/icons-react";
import type { SchedulerName } from "@/lib/api-types";
import { SCHEDULER_OPTIONS } from "@/lib/schedulers";
import { randomSeeds } from "../utils/seeds";
import { LIMITS, SEED_MAX, snapSide, type GenerateParams, type ParamErrors } from "../utils/params";

interface FieldsProps {
  params: GenerateParams;
  errors: ParamErrors;
  onChange: (changes: Partial<GenerateParams>) => void;
  /** Inpainting runs at the canvas's size: width and height are not chosen here. */
  sizeFromImage?: boolean;
}

const asNumber = (value: string | number, fallback: number) => (typeof value === "number" ? value : fallback);

/** Size, steps, CFG, scheduler and seed. */
export function ParameterFields({ params, errors, onChange, sizeFromImage = false }: FieldsProps) {
  return (
    <Stack gap="sm">
      <Group gap="xs" align="flex-start" wrap="nowrap">
        <SimpleGrid cols={2} spacing="xs" style={{ flex: 1 }}>
          <NumberInput
            label="Width"
            value={params.width}
            onChange={(v) => onChange({ width: asNumber(v, Number.NaN) })}
            onBlur={() => onChange({ width: snapSide(params.width) })}
            min={LIMITS.side.min}
            max={LIMITS.side.max}
            step={LIMITS.side.step}
            allowDecimal={false}
            error={errors.width}
            disabled={sizeFromImage}
            description={sizeFromImage ? "The canvas's size" : undefined}
          />
          <NumberInput
            label="Height"
            value={params.height}
            onChange={(v) => onChange({ height: asNumber(v, Number.NaN) })}
            onBlur={() => onChange({ height: snapSide(params.height) })}
            min={LIMITS.side.min}
            max={LIMITS.side.max}
            step={LIMITS.side.step}
            allowDecimal={false}
            error={errors.height}
            disabled={sizeFromImage}
            description={sizeFromImage ? "The canvas's size" : undefined}
          />
        </SimpleGrid>
        <Tooltip label="Swap width and height">
          <ActionIcon
            variant="default"
            size="input-sm"
            mt={sizeFromImage ? 44 : 25}
            aria-label="Swap width and height"
            disabled={sizeFromImage}
            onClick={() => onChange({ width: params.height, height: params.width })}
          >
            <IconArrowsExchange size={16} />
          </ActionIcon>
        </Tooltip>
      </Group>
      <SimpleGrid cols={2} spacing="xs">
        <NumberInput
          label="Steps"
          value={params.steps}
          onChange={(v) => onChange({ steps: asNumber(v, Number.NaN) })}
          min={LIMITS.steps.min}
          max={LIMITS.steps.max}
          allowDecimal={false}
          error={errors.steps}
        />
        <NumberInput
          label="CFG scale"
          value={params.cfgScale}
          onChange={(v) => onChange({ cfgScale: asNumber(v, Number.NaN) })}
          min={LIMITS.cfgScale.min}
          max={LIMITS.cfgScale.max}
          step={0.5}
          decimalScale={2}
          error={errors.cfgScale}
        />
      </SimpleGrid>
      <Select
        label="Scheduler"
        data={SCHEDULER_OPTIONS}
        value={params.scheduler}
        onChange={(value) => value && onChange({ scheduler: value as SchedulerName })}
        allowDeselect={false}
        searchable
      />
      <SeedField params={params} errors={errors} onChange={onChange} />
    </Stack>
  );
}

function SeedField({ params, errors, onChange }: Omit<FieldsProps, "sizeFromImage">) {
  return (
    <Stack gap={6}>
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <NumberInput
          style={{ flex: 1 }}
          label="Seed"
          description={params.randomSeed ? "A new random seed for every image" : params.runs > 1 ? "Counts up by one for each image" : undefined}
          value={params.randomSeed ? "" : params.seed}
          placeholder="Random"
          onChange={(v) => onChange({ seed: asNumber(v, Number.NaN) })}
          min={0}
          max={SEED_MAX}
          allowDecimal={false}
          allowNegative={false}
          disabled={params.randomSeed}
          error={errors.seed}
        />
        <Tooltip label="Pick a random seed now">
          <ActionIcon
            variant="default"
            size="input-sm"
            aria-label="Pick a random seed"
            onClick={() => onChange({ seed: randomSeeds(1)[0] ?? 0, randomSeed: false })}
            mb={errors.seed ? 22 : 0}
          >
            <IconDice5 size={18} />
          </ActionIcon>
        </Tooltip>
      </Group>
      <Switch
        label="Random seed"
        checked={params.randomSeed}
        onChange={(event) => onChange({ randomSeed: event.currentTarget.checked })}
      />
    </Stack>
  );
}
