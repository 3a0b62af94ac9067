import { useEffect, useRef, useSyncExternalStore } from "react";
import {
  getSocketStatus,
  onSocketEvent,
  subscribeSocketStatus,
  type SocketEventMap,
  type SocketEventName,
  type SocketStatus,
} from "../lib/socket";

/** Calls the latest `handler` for every `name` event while the component is mounted. */
export function useSocketEvent<E extends SocketEventName>(name: E, handler: (payload: SocketEventMap[E]) => void) {
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => onSocketEvent(name, (payload) => latest.current(payload)), [name]);
}

export function useSocketStatus(): SocketStatus {
  return useSyncExternalStore(subscribeSocketStatus, getSocketStatus, () => "offline");
}
