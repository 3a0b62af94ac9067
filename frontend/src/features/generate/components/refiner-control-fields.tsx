import { NumberInput, Select, SimpleGrid, Stack, Switch } from "@mantine/core";
import type { ModelConfig } from "@/lib/api-types";
import { controlNetsFor, refiners } from "../utils/models";
import { LIMITS, type ControlParams, type GenerateParams, type ParamErrors, type RefinerParams } from "../utils/params";
import { ImageDropField } from "./image-drop-field";

interface Props {
  params: GenerateParams;
  models: readonly ModelConfig[];
  base: string | undefined;
  errors: ParamErrors;
  onChange: (changes: Partial<GenerateParams>) => void;
}

const num = (v: string | number) => (typeof v === "number" ? v : Number.NaN);

/** The SDXL refiner (model, steps, where it starts). */
export function RefinerFields({ params, models, errors, onChange }: Omit<Props, "base">) {
  const refiner = params.refiner;
  const set = (changes: Partial<RefinerParams>) => onChange({ refiner: { ...refiner, ...changes } });
  const options = refiners(models).map((m) => ({ value: m.key, label: m.name }));
  return (
    <Stack gap="xs">
      <Switch
        label="SDXL refiner"
        description={options.length === 0 ? "No refiner model installed" : undefined}
        checked={refiner.enabled}
        disabled={options.length === 0 && !refiner.enabled}
        onChange={(e) => set({ enabled: e.currentTarget.checked, modelKey: refiner.modelKey ?? options[0]?.value ?? null })}
      />
      {refiner.enabled && (
        <>
          <Select label="Refiner model" data={options} value={refiner.modelKey} onChange={(modelKey) => set({ modelKey })} allowDeselect={false} />
          <SimpleGrid cols={2} spacing="xs">
            <NumberInput
              label="Refiner steps"
              value={refiner.steps}
              onChange={(v) => set({ steps: num(v) })}
              min={LIMITS.steps.min}
              max={LIMITS.steps.max}
              allowDecimal={false}
            />
            <NumberInput
              label="Refiner start"
              value={refiner.start}
              onChange={(v) => set({ start: num(v) })}
              min={0}
              max={1}
              step={0.05}
              decimalScale={2}
            />
          </SimpleGrid>
          {errors.refiner && <div role="alert" style={{ color: "var(--mantine-color-error)", fontSize: 12 }}>{errors.refiner}</div>}
        </>
      )}
    </Stack>
  );
}

/** One ControlNet: model, control image, weight, begin and end (fractions of the steps). */
export function ControlFields({ params, models, base, errors, onChange }: Props) {
  const control = params.control;
  const set = (changes: Partial<ControlParams>) => onChange({ control: { ...control, ...changes } });
  const options = controlNetsFor(models, base).map((m) => ({ value: m.key, label: m.name }));
  return (
    <Stack gap="xs">
      <Switch
        label="ControlNet"
        description={options.length === 0 ? `No ControlNet installed for ${base ?? "this model"}` : undefined}
        checked={control.enabled}
        disabled={options.length === 0 && !control.enabled}
        onChange={(e) => set({ enabled: e.currentTarget.checked, modelKey: control.modelKey ?? options[0]?.value ?? null })}
      />
      {control.enabled && (
        <>
          <Select label="ControlNet model" data={options} value={control.modelKey} onChange={(modelKey) => set({ modelKey })} allowDeselect={false} />
          <ImageDropField label="Control image" imageName={control.imageName} onChange={(image) => set({ imageName: image?.image_name ?? null })} />
          <SimpleGrid cols={3} spacing="xs">
            <NumberInput
              label="Weight"
              value={control.weight}
              onChange={(v) => set({ weight: num(v) })}
              min={LIMITS.controlWeight.min}
              max={LIMITS.controlWeight.max}
              step={0.05}
              decimalScale={2}
            />
            <NumberInput label="Begin" value={control.begin} onChange={(v) => set({ begin: num(v) })} min={0} max={1} step={0.05} decimalScale={2} />
            <NumberInput label="End" value={control.end} onChange={(v) => set({ end: num(v) })} min={0} max={1} step={0.05} decimalScale={2} />
          </SimpleGrid>
          {errors.control && <div role="alert" style={{ color: "var(--mantine-color-error)", fontSize: 12 }}>{errors.control}</div>}
        </>
      )}
    </Stack>
  );
}
