import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { fakeToken } from "../testing/fixtures";
import { dispatchSocketEvent, invalidateOnEvents, onSocketEvent, socketPath, tokenAction } from "./socket";

describe("socketPath", () => {
  it("lives under the app root, so a base_url sub-path works", () => {
    expect(socketPath(new URL("http://host/"))).toBe("/ws/socket.io");
    expect(socketPath(new URL("http://host/studio/"))).toBe("/studio/ws/socket.io");
  });
});

describe("tokenAction", () => {
  const s1 = fakeToken("s1");
  it("disconnects on logout and reconnects for a new session", () => {
    expect(tokenAction(null, "s1", true)).toBe("disconnect");
    expect(tokenAction(null, "s1", false)).toBe("none");
    expect(tokenAction(fakeToken("s2"), "s1", true)).toBe("reconnect");
    expect(tokenAction(s1, null, false)).toBe("reconnect");
  });

  it("keeps a live connection when the same session's token is refreshed", () => {
    expect(tokenAction(fakeToken("s1", 2), "s1", true)).toBe("none");
  });

  it("reconnects with the new token after the server dropped or refused the connection", () => {
    expect(tokenAction(fakeToken("s1", 2), "s1", false)).toBe("connect");
  });
});

describe("event hub", () => {
  it("delivers an event to its listeners until they unsubscribe", () => {
    const seen: number[] = [];
    const stop = onSocketEvent("invocation_progress", (payload) => seen.push(payload.percentage ?? -1));
    dispatchSocketEvent("invocation_progress", { percentage: 0.5 });
    dispatchSocketEvent("invocation_complete", { percentage: 0.9 });
    stop();
    dispatchSocketEvent("invocation_progress", { percentage: 1 });
    expect(seen).toEqual([0.5]);
  });

  it("invalidates the union of the keys the rules name, once each", () => {
    const client = new QueryClient();
    const invalidated: unknown[] = [];
    client.invalidateQueries = ((filters?: { queryKey?: unknown }) => {
      invalidated.push(filters?.queryKey);
      return Promise.resolve();
    }) as QueryClient["invalidateQueries"];
    const stop = invalidateOnEvents(client, [
      (name) => (name === "queue_item_status_changed" ? [["queue"]] : []),
      (name, payload) => (name === "queue_item_status_changed" && (payload as { status: string }).status === "completed" ? [["images"], ["queue"]] : []),
    ]);
    dispatchSocketEvent("queue_item_status_changed", { status: "completed" });
    dispatchSocketEvent("invocation_progress", {});
    stop();
    dispatchSocketEvent("queue_item_status_changed", { status: "completed" });
    expect(invalidated).toEqual([["queue"], ["images"]]);
  });
});
