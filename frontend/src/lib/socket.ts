/** The studio's one socket.io connection (`<app root>/ws/socket.io`) and the event hub the
 * features listen on. Features never touch the socket: they subscribe with `onSocketEvent`, and
 * their `events.ts` maps events to TanStack Query invalidations, wired in one place by
 * `invalidateOnEvents` (composed in app/).
 *
 * Multi-user mode: the handshake carries the current token (`auth: {token}`), read afresh on
 * every (re)connect, so a refreshed token is used as soon as it is adopted. A new session (login
 * as someone else) reconnects at once, logout disconnects, and a connection the server dropped
 * or refused (password change, revoked session) is retried when the token changes. */
import type { QueryClient, QueryKey } from "@tanstack/react-query";
import { io, type Socket } from "socket.io-client";
import { appRoot } from "./app-root";
import { getToken, subscribeToken, tokenSessionId } from "./auth-token";

export const QUEUE_ID = "default";

/** Synthetic events: the connection came up (possibly after missed events) or went down. */
export const CONNECTED = "connect";
export const DISCONNECTED = "disconnect";

// -- payloads (InvokeAI's field names; only what the studio reads) ------------------------------

interface ItemEvent {
  queue_id: string;
  item_id: number;
  batch_id: string;
  /** "redacted" on another user's item for non-administrators. */
  user_id: string;
}

export type QueueItemStatus = "pending" | "in_progress" | "completed" | "failed" | "canceled";

export interface ProgressImage {
  width: number;
  height: number;
  dataURL: string;
}

export interface InvocationProgressEvent extends ItemEvent {
  invocation_source_id: string;
  /** 0..1, or null while the step count is unknown ("Loading model"). */
  percentage: number | null;
  message: string | null;
  image: ProgressImage | null;
}

export interface InvocationStartedEvent extends ItemEvent {
  invocation_source_id: string;
}

export interface InvocationCompleteEvent extends ItemEvent {
  invocation_source_id: string;
  result: { type: string; image?: { image_name: string } } & Record<string, unknown>;
}

export interface InvocationErrorEvent extends ItemEvent {
  invocation_source_id: string;
  error_type: string | null;
  error_message: string | null;
}

export interface QueueItemStatusChangedEvent extends ItemEvent {
  status: QueueItemStatus;
  error_type: string | null;
  error_message: string | null;
}

export interface ModelInstallEvent {
  id: number;
  source: string;
  key?: string;
}

export interface SocketEventMap {
  [CONNECTED]: undefined;
  [DISCONNECTED]: undefined;
  invocation_started: InvocationStartedEvent;
  invocation_progress: InvocationProgressEvent;
  invocation_complete: InvocationCompleteEvent;
  invocation_error: InvocationErrorEvent;
  queue_item_status_changed: QueueItemStatusChangedEvent;
  batch_enqueued: { queue_id: string; batch_id: string; enqueued: number; user_id: string };
  queue_cleared: { queue_id: string };
  queue_items_canceled: { queue_id: string; item_ids: number[] };
  queue_items_retried: { queue_id: string; retried_item_ids: number[] };
  model_install_started: ModelInstallEvent;
  model_install_download_progress: ModelInstallEvent;
  model_install_complete: ModelInstallEvent;
  model_install_error: ModelInstallEvent;
  model_install_cancelled: ModelInstallEvent;
}

export type SocketEventName = keyof SocketEventMap;

// -- the hub ---------------------------------------------------------------------------------

type AnyHandler = (name: string, payload: unknown) => void;
const listeners = new Set<AnyHandler>();

/** Calls `handler` for every event named `name`; returns the unsubscribe function. */
export function onSocketEvent<E extends SocketEventName>(
  name: E,
  handler: (payload: SocketEventMap[E]) => void,
): () => void {
  const listener: AnyHandler = (event, payload) => {
    if (event === name) handler(payload as SocketEventMap[E]);
  };
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function onAnySocketEvent(listener: AnyHandler): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Delivers an event to every listener (the socket calls this; tests may too). */
export function dispatchSocketEvent(name: string, payload?: unknown): void {
  for (const listener of [...listeners]) listener(name, payload);
}

/** An event → the query keys it makes stale. Each feature's `events.ts` exports one. */
export type InvalidationRule = (name: string, payload: unknown) => readonly QueryKey[];

/** Wires rules to the cache: every event invalidates the union of the keys its rules name. */
export function invalidateOnEvents(queryClient: QueryClient, rules: readonly InvalidationRule[]): () => void {
  return onAnySocketEvent((name, payload) => {
    for (const queryKey of uniqueKeys(rules.flatMap((rule) => rule(name, payload)))) {
      void queryClient.invalidateQueries({ queryKey });
    }
  });
}

function uniqueKeys(keys: readonly QueryKey[]): QueryKey[] {
  const seen = new Map<string, QueryKey>();
  for (const key of keys) seen.set(JSON.stringify(key), key);
  return [...seen.values()];
}

// -- connection status ---------------------------------------------------------------------

export type SocketStatus = "offline" | "connecting" | "connected";
let status: SocketStatus = "offline";
const statusListeners = new Set<() => void>();

function setStatus(next: SocketStatus): void {
  if (next === status) return;
  status = next;
  for (const listener of statusListeners) listener();
}

export function getSocketStatus(): SocketStatus {
  return status;
}

export function subscribeSocketStatus(listener: () => void): () => void {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

// -- the connection --------------------------------------------------------------------------

/** `<app root>/ws/socket.io`, so the studio works under a `base_url` sub-path. */
export function socketPath(root: URL = appRoot()): string {
  return new URL("ws/socket.io", root).pathname;
}

export type TokenAction = "disconnect" | "reconnect" | "connect" | "none";

/**
 * What a token change means for the connection (multi-user mode). `connectedSession` is the
 * session id the socket was opened for; `active` whether it is connected or retrying on its own.
 * A refreshed token for the same session needs nothing: it is read at the next reconnect.
 */
export function tokenAction(token: string | null, connectedSession: string | null, active: boolean): TokenAction {
  if (!token) return active ? "disconnect" : "none";
  if (tokenSessionId(token) !== connectedSession) return "reconnect";
  return active ? "none" : "connect";
}

/** Opens the connection; the returned function closes it. One at a time. */
export function startSocket({ multiuser }: { multiuser: boolean }): () => void {
  let session: string | null = null;
  const socket: Socket = io(appRoot().origin, {
    path: socketPath(),
    autoConnect: false,
    auth: multiuser ? (send) => send({ token: getToken() ?? "" }) : {},
  });

  const open = () => {
    session = tokenSessionId(getToken());
    setStatus("connecting");
    socket.connect();
  };

  socket.on("connect", () => {
    socket.emit("subscribe_queue", { queue_id: QUEUE_ID });
    setStatus("connected");
    dispatchSocketEvent(CONNECTED);
  });
  socket.on("disconnect", (reason) => {
    setStatus(socket.active ? "connecting" : "offline");
    dispatchSocketEvent(DISCONNECTED);
    // The server dropped us (password changed, session revoked): try again with whatever token
    // we hold; a refusal waits for the next token change.
    if (reason === "io server disconnect" && (!multiuser || getToken())) open();
  });
  socket.on("connect_error", () => setStatus(socket.active ? "connecting" : "offline"));
  socket.onAny((name: string, payload: unknown) => dispatchSocketEvent(name, payload));

  const stopFollowingToken = multiuser
    ? subscribeToken(() => {
        const action = tokenAction(getToken(), session, socket.active);
        if (action === "disconnect") socket.disconnect();
        else if (action === "reconnect") {
          socket.disconnect();
          open();
        } else if (action === "connect") open();
      })
    : () => undefined;

  if (!multiuser || getToken()) open();
  return () => {
    stopFollowingToken();
    socket.off();
    socket.offAny();
    socket.disconnect();
    setStatus("offline");
  };
}
