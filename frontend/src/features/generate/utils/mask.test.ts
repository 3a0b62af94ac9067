import { describe, expect, it } from "vitest";
import {
  addStroke,
  clearMask,
  effectiveExtension,
  EMPTY_HISTORY,
  extendedSize,
  maskIsEmpty,
  maskToRgba,
  NO_EXTENSION,
  padPixels,
  rasterizeMask,
  rasterizeStroke,
  redo,
  stepBrush,
  undo,
  visibleStrokes,
  type Stroke,
} from "./mask";

const dot = (x: number, y: number, size = 2, erase = false): Stroke => ({ points: [{ x, y }], size, erase });
const painted = (mask: Uint8Array, width: number) =>
  [...mask.keys()].filter((i) => mask[i]).map((i) => `${i % width},${Math.floor(i / width)}`);

describe("rasterizeStroke", () => {
  it("paints a disc of the brush size around a single point", () => {
    const mask = new Uint8Array(8 * 8);
    rasterizeStroke(mask, 8, 8, dot(4, 4, 2));
    expect(painted(mask, 8).sort()).toEqual(["3,3", "3,4", "4,3", "4,4"]);
  });

  it("paints the whole path between points, and only near it", () => {
    const mask = new Uint8Array(16 * 4);
    rasterizeStroke(mask, 16, 4, { points: [{ x: 1, y: 2 }, { x: 15, y: 2 }], size: 2, erase: false });
    for (let x = 1; x < 15; x++) expect(mask[2 * 16 + x], `x=${x}`).toBe(1);
    expect(mask[0 * 16 + 8]).toBe(0);
    expect(mask[3 * 16 + 8]).toBe(0); // its centre is 1.5 px from the path: outside a 2 px brush
  });

  it("erases with the eraser and stays inside the canvas at the edges", () => {
    const mask = new Uint8Array(4 * 4).fill(1);
    rasterizeStroke(mask, 4, 4, dot(0, 0, 4, true));
    expect(mask[0]).toBe(0);
    expect(mask[15]).toBe(1);
    expect(mask.length).toBe(16);
  });
});

describe("undo history", () => {
  const a = dot(1, 1);
  const b = dot(2, 2);

  it("undoes and redoes strokes in order; a new stroke drops the redo list", () => {
    let h = addStroke(addStroke(EMPTY_HISTORY, a), b);
    expect(visibleStrokes(h)).toEqual([a, b]);
    h = undo(h);
    expect(visibleStrokes(h)).toEqual([a]);
    expect(visibleStrokes(redo(h))).toEqual([a, b]);
    h = addStroke(h, dot(3, 3));
    expect(redo(h)).toEqual(h);
    expect(undo(undo(undo(undo(h))))).toEqual({ actions: [], undone: expect.any(Array) });
  });

  it("makes clear undoable and ignores a clear of nothing or an empty stroke", () => {
    const h = clearMask(addStroke(EMPTY_HISTORY, a));
    expect(visibleStrokes(h)).toEqual([]);
    expect(visibleStrokes(undo(h))).toEqual([a]);
    expect(clearMask(EMPTY_HISTORY)).toBe(EMPTY_HISTORY);
    expect(addStroke(EMPTY_HISTORY, { points: [], size: 4, erase: false })).toBe(EMPTY_HISTORY);
  });
});

describe("brush size keys", () => {
  it("steps by more on larger brushes and stays within limits", () => {
    expect(stepBrush(32, 1)).toBe(36);
    expect(stepBrush(64, -1)).toBe(48);
    expect(stepBrush(4, -1)).toBe(3);
    expect(stepBrush(1, -1)).toBe(1);
    expect(stepBrush(256, 1)).toBe(256);
  });
});

describe("canvas extension (outpainting)", () => {
  const image = { width: 16, height: 8 };

  it("grows the canvas and masks exactly the new area", () => {
    const ext = { top: 8, right: 0, bottom: 0, left: 8 };
    expect(extendedSize(image, ext)).toEqual({ width: 24, height: 16 });
    const mask = rasterizeMask(image, ext, []);
    expect(mask.filter(Boolean).length).toBe(24 * 16 - 16 * 8);
    expect(mask[0]).toBe(1);
    expect(mask[8 * 24 + 8]).toBe(0); // the image's first pixel
  });

  it("shifts strokes by the left and top padding", () => {
    const mask = rasterizeMask(image, { top: 8, right: 0, bottom: 0, left: 8 }, [dot(1, 1, 2)]);
    expect(mask[(8 + 0) * 24 + 8 + 0]).toBe(1);
    expect(mask[(8 + 1) * 24 + 8 + 1]).toBe(1);
    expect(mask[(8 + 3) * 24 + 8 + 3]).toBe(0);
  });

  it("rounds odd sizes up to multiples of 8 on the right and bottom", () => {
    expect(effectiveExtension({ width: 100, height: 75 }, NO_EXTENSION)).toEqual({ top: 0, right: 4, bottom: 5, left: 0 });
    expect(effectiveExtension({ width: 64, height: 64 }, { top: 8, right: 16, bottom: 0, left: 0 })).toEqual({
      top: 8,
      right: 16,
      bottom: 0,
      left: 0,
    });
  });

  it("pads the pixels by stretching the edges", () => {
    const pixels = new Uint8ClampedArray([10, 0, 0, 255, 20, 0, 0, 255]); // 2×1
    const padded = padPixels(pixels, { width: 2, height: 1 }, { top: 1, right: 1, bottom: 0, left: 1 });
    const reds = [...padded.filter((_, i) => i % 4 === 0)];
    expect(reds).toEqual([10, 10, 20, 20, 10, 10, 20, 20]);
  });

  it("writes the mask as opaque white where painted, transparent elsewhere", () => {
    const rgba = maskToRgba(new Uint8Array([1, 0]));
    expect([...rgba]).toEqual([255, 255, 255, 255, 0, 0, 0, 0]);
    expect(maskIsEmpty(new Uint8Array([0, 0]))).toBe(true);
    expect(maskIsEmpty(new Uint8Array([0, 1]))).toBe(false);
  });
});
