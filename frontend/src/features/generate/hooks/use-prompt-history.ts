import { useCallback } from "react";
import { addToHistory, restoreHistory } from "../utils/prompt-history";
import { useClientSetting } from "./use-client-setting";

const HISTORY_KEY = "gesso.generate.prompt_history";

/** The caller's last 50 prompts, on the server (client state), newest first. */
export function usePromptHistory() {
  const { value, setValue } = useClientSetting(HISTORY_KEY, restoreHistory);
  const remember = useCallback((prompt: string) => setValue((history) => addToHistory(history, prompt)), [setValue]);
  return { history: value, remember } as const;
}
