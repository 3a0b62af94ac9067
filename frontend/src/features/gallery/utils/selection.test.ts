import { describe, expect, it } from "vitest";
import {
  draggedNames,
  EMPTY_SELECTION,
  IMAGE_DRAG_TYPE,
  IMAGES_DRAG_TYPE,
  keepShown,
  namesFromDrop,
  selectByClick,
  selectedInOrder,
  type Selection,
} from "./selection";

const order = ["a", "b", "c", "d", "e"];
const plain = { shift: false, toggle: false };
const ctrl = { shift: false, toggle: true };
const shift = { shift: true, toggle: false };
const names = (selection: Selection) => [...selection.names].sort();

describe("gallery multi-select", () => {
  it("ctrl-click toggles one image and moves the anchor", () => {
    let selection = selectByClick(EMPTY_SELECTION, "b", order, ctrl);
    selection = selectByClick(selection, "d", order, ctrl);
    expect(names(selection)).toEqual(["b", "d"]);
    expect(selection.anchor).toBe("d");
    selection = selectByClick(selection, "b", order, ctrl);
    expect(names(selection)).toEqual(["d"]);
  });

  it("shift-click selects the range from the anchor, either direction, replacing the rest", () => {
    let selection = selectByClick(EMPTY_SELECTION, "a", order, ctrl);
    selection = selectByClick(selection, "e", order, ctrl);
    selection = selectByClick(selection, "c", order, shift);
    expect(names(selection)).toEqual(["c", "d", "e"]);
    expect(selection.anchor).toBe("e");
    selection = selectByClick(selection, "b", order, shift);
    expect(names(selection)).toEqual(["b", "c", "d", "e"]);
  });

  it("ctrl+shift adds the range to what was selected", () => {
    let selection = selectByClick(EMPTY_SELECTION, "a", order, plain);
    selection = selectByClick(selection, "d", order, ctrl);
    selection = selectByClick(selection, "e", order, { shift: true, toggle: true });
    expect(names(selection)).toEqual(["a", "d", "e"]);
  });

  it("shift-click without an anchor (or off the page) just toggles", () => {
    expect(names(selectByClick(EMPTY_SELECTION, "c", order, shift))).toEqual(["c"]);
    const stale = { names: new Set(["z"]), anchor: "z" };
    expect(names(selectByClick(stale, "c", order, shift))).toEqual(["c", "z"]);
  });

  it("drops images no longer shown and reports the rest in grid order", () => {
    const selection = { names: new Set(["e", "a", "gone"]), anchor: "gone" };
    const kept = keepShown(selection, order);
    expect(names(kept)).toEqual(["a", "e"]);
    expect(kept.anchor).toBeNull();
    expect(keepShown(kept, order)).toBe(kept);
    expect(selectedInOrder(selection, order)).toEqual(["a", "e"]);
  });
});

describe("dragging images", () => {
  it("drags the whole selection when a selected image is dragged, else just that image", () => {
    const selection = { names: new Set(["d", "b"]), anchor: "d" };
    expect(draggedNames(selection, "d", order)).toEqual(["b", "d"]);
    expect(draggedNames(selection, "a", order)).toEqual(["a"]);
  });

  it("reads the names back from a drop, and nothing from other drags", () => {
    const data: Record<string, string> = { [IMAGES_DRAG_TYPE]: '["b","d"]', [IMAGE_DRAG_TYPE]: "b" };
    expect(namesFromDrop((type) => data[type] ?? "")).toEqual(["b", "d"]);
    expect(namesFromDrop((type) => (type === IMAGE_DRAG_TYPE ? "c" : ""))).toEqual(["c"]);
    expect(namesFromDrop((type) => (type === IMAGES_DRAG_TYPE ? "not json" : ""))).toEqual([]);
    expect(namesFromDrop(() => "")).toEqual([]);
  });
});
