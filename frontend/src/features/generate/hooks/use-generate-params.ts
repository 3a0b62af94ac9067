import { restoreParams } from "../utils/params";
import { useClientSetting } from "./use-client-setting";

/** Client-state key of the Generate panel's settings. */
const PARAMS_KEY = "gesso.generate.params";

/** The panel's parameters, kept per user on the server, so they survive reloads and follow the
 * user to another browser. Every component using it shares them (the viewer's "use as init
 * image" changes what the panel shows). */
export function useGenerateParams() {
  const { value, setValue, ready } = useClientSetting(PARAMS_KEY, restoreParams);
  return [value, setValue, ready] as const;
}
