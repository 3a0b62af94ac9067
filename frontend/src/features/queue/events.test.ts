import { describe, expect, it } from "vitest";
import { queueKey } from "./api/list-queue-items";
import { queueInvalidations } from "./events";

describe("queueInvalidations", () => {
  it.each(["queue_item_status_changed", "batch_enqueued", "queue_cleared", "queue_items_canceled", "queue_items_retried", "connect"])(
    "%s refreshes the queue list and counts",
    (name) => expect(queueInvalidations(name)).toEqual([queueKey]),
  );

  it("leaves the queue alone for per-step events", () => {
    expect(queueInvalidations("invocation_progress")).toEqual([]);
    expect(queueInvalidations("model_install_complete")).toEqual([]);
  });
});
