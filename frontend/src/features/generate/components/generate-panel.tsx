import { Accordion, Button, Group, Loader, NumberInput, Select, Stack, Text, Title } from "@mantine/core";
import { getHotkeyHandler } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconSparkles } from "@tabler/icons-react";
import { useCallback, useEffect, useState, type ReactNode, type SetStateAction } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { notifyError } from "@/components/notify";
import type { ImageDTO } from "@/lib/api-types";
import { errorMessage } from "@/lib/api-client";
import { plural } from "@/lib/format";
import { useEnqueueBatch } from "../api/enqueue-batch";
import { useMainModels } from "../api/list-main-models";
import { useModels } from "../api/list-models";
import type { GenerationState } from "../events";
import type { InpaintCanvasState } from "../hooks/use-inpaint-canvas";
import { usePromptHistory } from "../hooks/use-prompt-history";
import { useRecalledParameters } from "../hooks/use-recalled-parameters";
import { buildEnqueueBody } from "../utils/graph";
import { applyModelDefaults, LIMITS, paramErrors, withInstalledModel, type GenerateParams } from "../utils/params";
import { requestFor, type InpaintInput } from "../utils/request";
import { seedsFor } from "../utils/seeds";
import classes from "./generate.module.css";
import { GenerationStatus } from "./generation-status";
import { LoraVaeFields } from "./lora-vae-fields";
import { ModeFields } from "./mode-fields";
import { ParameterFields } from "./parameter-fields";
import { PromptFields } from "./prompt-fields";
import { ControlFields, RefinerFields } from "./refiner-control-fields";

export interface TargetBoard {
  boardId: string;
  name: string;
}

interface GeneratePanelProps {
  /** The gallery's current board when the caller may add images to it; null: Uncategorized. */
  board: TargetBoard | null;
  /** Shown instead of the form when no main model is installed. */
  noModels: ReactNode;
  /** Queue counts, under the Invoke button. */
  queueSummary?: ReactNode;
  params: GenerateParams;
  setParams: (update: SetStateAction<GenerateParams>) => void;
  progress: GenerationState;
  canvas: InpaintCanvasState;
  /** The init/canvas image's DTO once loaded. */
  initImage: ImageDTO | null;
}

const FIELD_LABELS: Record<keyof GenerateParams, string> = {
  modelKey: "the model",
  prompt: "the prompt",
  negativePrompt: "the negative prompt",
  width: "the width",
  height: "the height",
  steps: "the steps",
  cfgScale: "the CFG scale",
  scheduler: "the scheduler",
  seed: "the seed",
  randomSeed: "the seed",
  runs: "the number of images",
  mode: "the mode",
  initImage: "the init image",
  strength: "the denoising strength",
  loras: "the LoRAs",
  vaeKey: "the VAE",
  refiner: "the refiner",
  control: "the ControlNet",
};

/** Parameters, Invoke, and live progress (InvokeAI's left panel). */
export function GeneratePanel({ board, noModels, queueSummary, params, setParams, progress, canvas, initImage }: GeneratePanelProps) {
  const models = useMainModels();
  const allModels = useModels();
  const { remember } = usePromptHistory();
  // "Uncategorized" chosen for one board; opening another board saves there again.
  const [uncategorizedFor, setUncategorizedFor] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const [preparing, setPreparing] = useState(false);
  const enqueue = useEnqueueBatch();
  const errors = paramErrors(params);
  const shownErrors = submitted ? errors : { ...errors, modelKey: undefined, initImage: undefined };
  const change = (changes: Partial<GenerateParams>) => setParams((p) => ({ ...p, ...changes }));
  const targetBoard = board && uncategorizedFor !== board.boardId ? board : null;
  const model = models.data?.find((m) => m.key === params.modelKey);

  useRecalledParameters(models.data, allModels.data, params, setParams);
  useEffect(() => {
    if (models.data) setParams((p) => withInstalledModel(p, models.data));
  }, [models.data, setParams]);

  const invoke = useCallback(async () => {
    setSubmitted(true);
    if (enqueue.isPending || preparing) return;
    const problems = Object.keys(paramErrors(params)) as (keyof GenerateParams)[];
    const refuse = (message: string) => notifications.show({ color: "red", title: "Nothing was queued", message });
    if (problems.length > 0) return refuse(`Check ${problems.map((field) => FIELD_LABELS[field]).join(", ")}.`);
    let inpaint: InpaintInput | null = null;
    if (params.mode === "inpaint") {
      if (!initImage) return refuse("Open an image in the canvas first.");
      setPreparing(true);
      try {
        inpaint = await canvas.prepare(initImage);
      } catch (error) {
        return refuse(errorMessage(error));
      } finally {
        setPreparing(false);
      }
    }
    const outcome = requestFor({
      params,
      models: allModels.data ?? [],
      boardId: targetBoard?.boardId ?? null,
      seeds: seedsFor(params),
      inpaint,
    });
    if (!outcome.ok) return refuse(outcome.problem);
    enqueue.mutate(buildEnqueueBody(outcome.request), {
      onSuccess: (result) => {
        remember(params.prompt);
        if (inpaint) canvas.setComparison({ before: inpaint.init.imageName, after: null, startedWith: progress.lastImage });
        notifications.show({
          color: result.enqueued < result.requested ? "yellow" : "teal",
          message:
            result.enqueued < result.requested
              ? `The queue is full: ${result.enqueued} of ${result.requested} queued`
              : `${plural(result.enqueued, "image")} queued`,
        });
      },
      onError: (error) => notifyError("Could not queue the generation", error),
    });
  }, [params, targetBoard, enqueue, preparing, allModels.data, initImage, canvas, remember, progress.lastImage]);

  const noModel = models.isSuccess && models.data.length === 0;
  const modelOptions = (models.data ?? []).map((m) => ({ value: m.key, label: m.name }));

  return (
    <section className={classes.panel} aria-label="Generate" onKeyDown={getHotkeyHandler([["mod+Enter", () => void invoke()]])}>
      <div className={classes.header}>
        <Group gap="xs" wrap="nowrap" align="flex-end">
          <Button
            flex={1}
            size="md"
            leftSection={<IconSparkles size={18} />}
            onClick={() => void invoke()}
            loading={enqueue.isPending || preparing}
            disabled={noModel || !models.isSuccess}
            title="Invoke (Ctrl+Enter)"
          >
            Invoke
          </Button>
          <NumberInput
            w={84}
            size="md"
            aria-label="Number of images"
            value={params.runs}
            onChange={(v) => change({ runs: typeof v === "number" ? v : Number.NaN })}
            min={LIMITS.runs.min}
            max={LIMITS.runs.max}
            allowDecimal={false}
            error={errors.runs ? true : undefined}
          />
        </Group>
        {queueSummary && <div style={{ marginTop: 6 }}>{queueSummary}</div>}
      </div>
      <div className={classes.scroll}>
        <Stack gap="md">
          <GenerationStatus state={progress} />
          {models.isPending && <Loader size="sm" aria-label="Loading models" />}
          <ErrorAlert error={models.error} title="Could not load the models" />
          <ErrorAlert error={enqueue.error} title="Nothing was queued" />
          {noModel && noModels}
          <Title order={2} size="h5" mb={-8}>
            Generation
          </Title>
          <Select
            label="Model"
            placeholder={noModel ? "No model installed" : "Pick a model"}
            data={modelOptions}
            value={params.modelKey}
            onChange={(key) => {
              const model = models.data?.find((m) => m.key === key);
              if (model) setParams((p) => applyModelDefaults(p, model));
            }}
            allowDeselect={false}
            error={shownErrors.modelKey}
            disabled={noModel}
            searchable
          />
          <ModeFields params={params} errors={shownErrors} onChange={change} />
          <PromptFields params={params} errors={errors} onChange={change} />
          <ParameterFields params={params} errors={errors} onChange={change} sizeFromImage={params.mode === "inpaint"} />
          <Accordion multiple variant="separated" defaultValue={params.loras.length > 0 ? ["models"] : []}>
            <Accordion.Item value="models">
              <Accordion.Control>LoRAs and VAE{params.loras.length > 0 ? ` (${params.loras.length})` : ""}</Accordion.Control>
              <Accordion.Panel>
                <LoraVaeFields params={params} models={allModels.data ?? []} base={model?.base} errors={errors} onChange={change} />
              </Accordion.Panel>
            </Accordion.Item>
            <Accordion.Item value="control">
              <Accordion.Control>ControlNet{params.control.enabled ? " (on)" : ""}</Accordion.Control>
              <Accordion.Panel>
                <ControlFields params={params} models={allModels.data ?? []} base={model?.base} errors={errors} onChange={change} />
              </Accordion.Panel>
            </Accordion.Item>
            {model?.base === "sdxl" && (
              <Accordion.Item value="refiner">
                <Accordion.Control>Refiner{params.refiner.enabled ? " (on)" : ""}</Accordion.Control>
                <Accordion.Panel>
                  <RefinerFields params={params} models={allModels.data ?? []} errors={errors} onChange={change} />
                </Accordion.Panel>
              </Accordion.Item>
            )}
          </Accordion>
          <Select
            label="Save to"
            data={[
              ...(board ? [{ value: "board", label: board.name }] : []),
              { value: "none", label: "Uncategorized" },
            ]}
            value={targetBoard ? "board" : "none"}
            onChange={(value) => setUncategorizedFor(value === "none" ? (board?.boardId ?? null) : null)}
            allowDeselect={false}
            description={board ? undefined : "Open one of your boards in the gallery to save there"}
          />
          <Text size="xs" c="dimmed">
            Ctrl+Enter invokes from anywhere in this panel.
          </Text>
        </Stack>
      </div>
    </section>
  );
}
