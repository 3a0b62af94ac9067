import { useEffect, useState } from "react";
import { restoreParams, type GenerateParams } from "../utils/params";

const STORAGE_PREFIX = "gesso.generate.";

function read(key: string): unknown {
  try {
    const stored = window.sessionStorage.getItem(key);
    return stored ? (JSON.parse(stored) as unknown) : null;
  } catch {
    return null;
  }
}

/** The panel's parameters, kept per user for this browser tab (sessionStorage, so a prompt
 * does not outlive the tab on a shared computer) and so across page changes and reloads. */
export function useGenerateParams(userId: string) {
  const key = STORAGE_PREFIX + userId;
  const [params, setParams] = useState<GenerateParams>(() => restoreParams(read(key)));
  useEffect(() => {
    try {
      window.sessionStorage.setItem(key, JSON.stringify(params));
    } catch {
      // Storage full or unavailable: the parameters live as long as the page.
    }
  }, [key, params]);
  return [params, setParams] as const;
}
