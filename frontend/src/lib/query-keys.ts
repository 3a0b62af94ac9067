/** Query keys that more than one feature reads, so one feature's change (or a socket event)
 * refreshes what another shows. Feature-private keys live next to their API files. */

/** Installed models: the Models page and the Generate panel's model picker. */
export const modelsKey = ["models"] as const;

/** Client-state key the gallery's "use these parameters" writes and the Generate panel reads. */
export const RECALL_PARAMETERS_KEY = "recall_parameters";

export const clientStateKey = (key: string) => ["client-state", key] as const;
