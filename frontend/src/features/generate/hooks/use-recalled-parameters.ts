import { useEffect, useRef } from "react";
import { notifications } from "@mantine/notifications";
import type { ModelConfig } from "@/lib/api-types";
import { useClearRecallParameters } from "../api/clear-recall-parameters";
import { useRecallParameters } from "../api/get-recall-parameters";
import { withInstalledModel, type GenerateParams } from "../utils/params";
import { applyRecall, parseRecallValue } from "../utils/recall";

/** Applies parameters stored by the gallery's "use these parameters" once the models are
 * known, says so, and clears them so they apply only once. */
export function useRecalledParameters(
  models: readonly ModelConfig[] | undefined,
  allModels: readonly ModelConfig[] | undefined,
  params: GenerateParams,
  setParams: (params: GenerateParams) => void,
) {
  const recall = useRecallParameters();
  const { mutate: clear } = useClearRecallParameters();
  const handled = useRef<string | null>(null);
  const raw = recall.data;

  useEffect(() => {
    if (!raw) {
      handled.current = null; // the same parameters may be recalled again later
      return;
    }
    if (!models || !allModels || handled.current === raw) return;
    handled.current = raw;
    const metadata = parseRecallValue(raw);
    if (metadata) {
      // From an installed model first, so its defaults never override the recalled values.
      const outcome = applyRecall(withInstalledModel(params, models), metadata, allModels);
      setParams(outcome.params);
      notifications.show({
        color: outcome.missingModel ? "yellow" : "teal",
        title: "Parameters from the image applied",
        message: outcome.missingModel
          ? `It was made with “${outcome.missingModel}”, which is not installed; the current model stays.`
          : "Prompt, size, steps, CFG, scheduler, seed and model are set as they were.",
      });
    }
    clear();
  }, [raw, models, allModels, params, setParams, clear]);
}
