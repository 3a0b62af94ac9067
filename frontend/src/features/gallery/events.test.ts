import { describe, expect, it } from "vitest";
import { boardsKey } from "./api/list-boards";
import { imagesKey } from "./api/list-images";
import { galleryInvalidations } from "./events";

describe("galleryInvalidations", () => {
  it("refreshes images and boards when an image is saved", () => {
    const complete = { result: { type: "image_output", image: { image_name: "a.png" } } };
    expect(galleryInvalidations("invocation_complete", complete)).toEqual([imagesKey, boardsKey]);
    expect(galleryInvalidations("queue_item_status_changed", { status: "completed" })).toEqual([imagesKey, boardsKey]);
  });

  it("ignores results that are not images and items that did not finish", () => {
    expect(galleryInvalidations("invocation_complete", { result: { type: "integer_output" } })).toEqual([]);
    expect(galleryInvalidations("queue_item_status_changed", { status: "in_progress" })).toEqual([]);
    expect(galleryInvalidations("invocation_progress", { percentage: 0.5 })).toEqual([]);
  });

  it("catches up after a reconnect", () => {
    expect(galleryInvalidations("connect", undefined)).toEqual([imagesKey, boardsKey]);
  });
});
