/** The prompt box's history: the last prompts invoked, newest first, without repeats. */

export const PROMPT_HISTORY_LENGTH = 50;

export function addToHistory(history: readonly string[], prompt: string): string[] {
  const trimmed = prompt.trim();
  if (!trimmed) return [...history];
  return [trimmed, ...history.filter((p) => p !== trimmed)].slice(0, PROMPT_HISTORY_LENGTH);
}

export function restoreHistory(stored: unknown): string[] {
  if (!Array.isArray(stored)) return [];
  return stored.filter((p): p is string => typeof p === "string" && p.trim() !== "").slice(0, PROMPT_HISTORY_LENGTH);
}
