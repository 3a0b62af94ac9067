import { Input, SegmentedControl, Slider, Stack, Text } from "@mantine/core";
import { snapSide, type GenerateParams, type GenerationMode, type ParamErrors } from "../utils/params";
import { ImageDropField } from "./image-drop-field";

interface Props {
  params: GenerateParams;
  errors: ParamErrors;
  onChange: (changes: Partial<GenerateParams>) => void;
}

const MODES: { value: GenerationMode; label: string }[] = [
  { value: "txt2img", label: "Text to image" },
  { value: "img2img", label: "Image to image" },
  { value: "inpaint", label: "Inpaint" },
];

/** Text to image / image to image / inpaint, the init image and the denoising strength. */
export function ModeFields({ params, errors, onChange }: Props) {
  return (
    <Stack gap="xs">
      <SegmentedControl
        fullWidth
        size="xs"
        aria-label="Generation mode"
        data={MODES}
        value={params.mode}
        onChange={(mode) => onChange({ mode: mode as GenerationMode })}
      />
      {params.mode !== "txt2img" && (
        <ImageDropField
          label={params.mode === "inpaint" ? "Canvas image" : "Init image"}
          imageName={params.initImage?.imageName ?? null}
          error={errors.initImage}
          onChange={(image) =>
            onChange(
              image
                ? {
                    initImage: { imageName: image.image_name, width: image.width, height: image.height },
                    width: snapSide(image.width),
                    height: snapSide(image.height),
                  }
                : { initImage: null },
            )
          }
        />
      )}
      {params.mode === "inpaint" && (
        <Text size="xs" c="dimmed">
          Paint over what should change in the canvas (or extend it), then Invoke.
        </Text>
      )}
      {params.mode !== "txt2img" && (
        <Input.Wrapper label={`Denoising strength ${params.strength.toFixed(2)}`} error={errors.strength}>
          <Slider
            aria-label="Denoising strength"
            value={params.strength}
            onChange={(strength) => onChange({ strength })}
            min={0}
            max={1}
            step={0.01}
            label={(v) => v.toFixed(2)}
          />
        </Input.Wrapper>
      )}
    </Stack>
  );
}
