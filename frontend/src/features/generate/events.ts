/** What the Generate panel shows live, from socket events: the caller's running item (percentage,
 * step message, preview image) and the last image it made. Administrators also receive other
 * users' invocation and status events, so everything is filtered to the caller's own items.
 * Images reach the gallery through its own invalidations (features/gallery/events.ts). */
import type {
  InvocationCompleteEvent,
  InvocationErrorEvent,
  InvocationProgressEvent,
  InvocationStartedEvent,
  ProgressImage,
  QueueItemStatusChangedEvent,
} from "@/lib/socket";

export interface RunningItem {
  itemId: number;
  /** 0..1, or null while it is not measurable (loading the model). */
  percentage: number | null;
  message: string | null;
  preview: ProgressImage | null;
}

export interface GenerationState {
  running: RunningItem | null;
  /** image_name of the caller's latest finished image. */
  lastImage: string | null;
  /** Why the caller's latest item failed, until the next one starts. */
  lastError: string | null;
}

export const INITIAL_GENERATION: GenerationState = { running: null, lastImage: null, lastError: null };

export type GenerationEvent =
  | { name: "invocation_started"; payload: InvocationStartedEvent }
  | { name: "invocation_progress"; payload: InvocationProgressEvent }
  | { name: "invocation_complete"; payload: InvocationCompleteEvent }
  | { name: "invocation_error"; payload: InvocationErrorEvent }
  | { name: "queue_item_status_changed"; payload: QueueItemStatusChangedEvent };

function started(state: GenerationState, itemId: number): GenerationState {
  if (state.running?.itemId === itemId) return state;
  return { ...state, running: { itemId, percentage: null, message: "Starting", preview: null }, lastError: null };
}

export function generationReducer(state: GenerationState, event: GenerationEvent, userId: string): GenerationState {
  if (event.payload.user_id !== userId) return state;
  const itemId = event.payload.item_id;
  switch (event.name) {
    case "invocation_started":
      return started(state, itemId);
    case "invocation_progress": {
      const base = started(state, itemId);
      const previous = base.running?.preview ?? null;
      const { percentage, message, image } = event.payload;
      return { ...base, running: { itemId, percentage, message, preview: image ?? previous } };
    }
    case "invocation_complete": {
      const image = event.payload.result?.image?.image_name;
      return event.payload.result?.type === "image_output" && image ? { ...state, lastImage: image } : state;
    }
    case "invocation_error":
      return { ...state, lastError: event.payload.error_message ?? event.payload.error_type ?? "Generation failed" };
    case "queue_item_status_changed": {
      const { status } = event.payload;
      if (status === "in_progress") return started(state, itemId);
      if (status === "pending" || state.running?.itemId !== itemId) return state;
      const lastError =
        status === "failed" ? (event.payload.error_message ?? state.lastError ?? "Generation failed") : state.lastError;
      return { ...state, running: null, lastError };
    }
  }
}
