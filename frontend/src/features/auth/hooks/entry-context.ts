import { createContext, useContext } from "react";
import type { EntryState } from "../utils/entry-decision";

export const EntryContext = createContext<EntryState>({ kind: "loading" });

export function useEntry(): EntryState {
  return useContext(EntryContext);
}
