import { useReducer } from "react";
import { useSocketEvent } from "@/hooks/use-socket-event";
import { generationReducer, INITIAL_GENERATION, type GenerationEvent, type GenerationState } from "../events";

/** The caller's running item and latest image, live from the socket. */
export function useGenerationProgress(userId: string): GenerationState {
  const [state, dispatch] = useReducer(
    (current: GenerationState, event: GenerationEvent) => generationReducer(current, event, userId),
    INITIAL_GENERATION,
  );
  useSocketEvent("invocation_started", (payload) => dispatch({ name: "invocation_started", payload }));
  useSocketEvent("invocation_progress", (payload) => dispatch({ name: "invocation_progress", payload }));
  useSocketEvent("invocation_complete", (payload) => dispatch({ name: "invocation_complete", payload }));
  useSocketEvent("invocation_error", (payload) => dispatch({ name: "invocation_error", payload }));
  useSocketEvent("queue_item_status_changed", (payload) => dispatch({ name: "queue_item_status_changed", payload }));
  return state;
}
