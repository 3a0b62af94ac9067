import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, type SetStateAction } from "react";
import { clientStateKey } from "@/lib/query-keys";
import { getClientState } from "../api/get-client-state";
import { setClientState } from "../api/set-client-state";

/** Writes wait this long after the last change, so typing a prompt sends one request. */
const SAVE_DELAY_MS = 400;

const parse = (value: string | null): unknown => {
  if (value === null) return null;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return null;
  }
};

/** A setting of the signed-in user kept in client state on the server: read once, changed at
 * once in the query cache (every component using the key sees it), saved shortly after.
 * `restore` type-checks whatever was stored. `ready` is false until the stored value is known;
 * changes made before that would be overwritten, so callers wait. */
export function useClientSetting<T>(key: string, restore: (stored: unknown) => T) {
  const queryClient = useQueryClient();
  const queryKey = clientStateKey(key);
  const query = useQuery({
    queryKey,
    queryFn: async ({ signal }) => restore(parse(await getClientState(key, signal))),
    staleTime: Infinity,
    gcTime: Infinity,
    retry: 1,
  });
  const timer = useRef<number | undefined>(undefined);
  const pending = useRef<T | null>(null);

  const flush = useCallback(() => {
    window.clearTimeout(timer.current);
    const value = pending.current;
    pending.current = null;
    if (value !== null) setClientState(key, JSON.stringify(value)).catch(() => undefined); // next change retries
  }, [key]);

  useEffect(() => {
    window.addEventListener("pagehide", flush);
    return () => {
      window.removeEventListener("pagehide", flush);
      flush();
    };
  }, [flush]);

  const setValue = useCallback(
    (update: SetStateAction<T>) => {
      const current = queryClient.getQueryData<T>(queryKey) ?? restore(null);
      const next = typeof update === "function" ? (update as (previous: T) => T)(current) : update;
      if (Object.is(next, current)) return;
      queryClient.setQueryData(queryKey, next);
      pending.current = next;
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(flush, SAVE_DELAY_MS);
    },
    // queryKey is derived from key
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [queryClient, key, restore, flush],
  );

  const value = query.data ?? restore(null);
  return { value, setValue, ready: query.isSuccess || query.isError } as const;
}
