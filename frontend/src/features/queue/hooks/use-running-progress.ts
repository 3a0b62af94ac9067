import { useReducer } from "react";
import { useSocketEvent } from "@/hooks/use-socket-event";
import { progressReducer } from "../utils/progress";

/** The caller's running item's latest progress (percentage and step message), live. */
export function useRunningProgress() {
  const [progress, dispatch] = useReducer(progressReducer, null);
  useSocketEvent("invocation_progress", (payload) => dispatch({ name: "invocation_progress", payload }));
  useSocketEvent("queue_item_status_changed", (payload) => dispatch({ name: "queue_item_status_changed", payload }));
  return progress;
}
