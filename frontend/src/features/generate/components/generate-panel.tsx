import { Button, Group, Loader, NumberInput, Select, Stack, Text, Textarea, Title } from "@mantine/core";
import { getHotkeyHandler } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconSparkles } from "@tabler/icons-react";
import { useCallback, useEffect, useState, type ReactNode } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { notifyError } from "@/components/notify";
import { useSession } from "@/hooks/use-session";
import { plural } from "@/lib/format";
import { useEnqueueBatch } from "../api/enqueue-batch";
import { useMainModels } from "../api/list-main-models";
import { useGenerateParams } from "../hooks/use-generate-params";
import { useGenerationProgress } from "../hooks/use-generation-progress";
import { useRecalledParameters } from "../hooks/use-recalled-parameters";
import { buildEnqueueBody } from "../utils/graph";
import { applyModelDefaults, LIMITS, paramErrors, withInstalledModel, type GenerateParams } from "../utils/params";
import { seedsFor } from "../utils/seeds";
import classes from "./generate.module.css";
import { GenerationStatus } from "./generation-status";
import { ParameterFields } from "./parameter-fields";

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
};

/** Text-to-image parameters, Invoke, and live progress (InvokeAI's left panel). */
export function GeneratePanel({ board, noModels, queueSummary }: GeneratePanelProps) {
  const { user } = useSession();
  const models = useMainModels();
  const [params, setParams] = useGenerateParams(user.user_id);
  // "Uncategorized" chosen for one board; opening another board saves there again.
  const [uncategorizedFor, setUncategorizedFor] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const enqueue = useEnqueueBatch();
  const progress = useGenerationProgress(user.user_id);
  const errors = paramErrors(params);
  const shownErrors = submitted ? errors : { ...errors, modelKey: undefined };
  const change = (changes: Partial<GenerateParams>) => setParams((p) => ({ ...p, ...changes }));
  const targetBoard = board && uncategorizedFor !== board.boardId ? board : null;

  useRecalledParameters(models.data, params, setParams);
  useEffect(() => {
    if (models.data) setParams((p) => withInstalledModel(p, models.data));
  }, [models.data, setParams]);

  const invoke = useCallback(() => {
    setSubmitted(true);
    if (enqueue.isPending) return;
    const problems = Object.keys(paramErrors(params)) as (keyof GenerateParams)[];
    if (problems.length > 0) {
      notifications.show({
        color: "red",
        title: "Nothing was queued",
        message: `Check ${problems.map((field) => FIELD_LABELS[field]).join(", ")}.`,
      });
      return;
    }
    const model = models.data?.find((m) => m.key === params.modelKey);
    if (!model) return;
    const body = buildEnqueueBody({ params, model, boardId: targetBoard?.boardId ?? null, seeds: seedsFor(params) });
    enqueue.mutate(body, {
      onSuccess: (result) =>
        notifications.show({
          color: result.enqueued < result.requested ? "yellow" : "teal",
          message:
            result.enqueued < result.requested
              ? `The queue is full: ${result.enqueued} of ${result.requested} queued`
              : `${plural(result.enqueued, "image")} queued`,
        }),
      onError: (error) => notifyError("Could not queue the generation", error),
    });
  }, [params, targetBoard, enqueue, models.data]);

  const noModel = models.isSuccess && models.data.length === 0;
  const modelOptions = (models.data ?? []).map((m) => ({ value: m.key, label: m.name }));

  return (
    <section className={classes.panel} aria-label="Generate" onKeyDown={getHotkeyHandler([["mod+Enter", invoke]])}>
      <div className={classes.header}>
        <Group gap="xs" wrap="nowrap" align="flex-end">
          <Button
            flex={1}
            size="md"
            leftSection={<IconSparkles size={18} />}
            onClick={invoke}
            loading={enqueue.isPending}
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
          <Textarea
            label="Prompt"
            placeholder="What should the image show?"
            value={params.prompt}
            onChange={(e) => change({ prompt: e.currentTarget.value })}
            autosize
            minRows={3}
            maxRows={10}
            error={errors.prompt}
          />
          <Textarea
            label="Negative prompt"
            placeholder="What to keep out of it"
            value={params.negativePrompt}
            onChange={(e) => change({ negativePrompt: e.currentTarget.value })}
            autosize
            minRows={2}
            maxRows={6}
            error={errors.negativePrompt}
          />
          <ParameterFields params={params} errors={errors} onChange={change} />
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
