import { useCallback, useMemo, useState } from "react";
import type { ImageDTO } from "@/lib/api-types";
import { resolveAppUrl } from "@/lib/app-root";
import { uploadIntermediate } from "../api/upload-image";
import { loadPixels, pixelsToPng } from "../utils/canvas-pixels";
import {
  addStroke,
  BRUSH,
  clearMask,
  effectiveExtension,
  EMPTY_HISTORY,
  extendedSize,
  maskIsEmpty,
  maskToRgba,
  NO_EXTENSION,
  padPixels,
  rasterizeMask,
  redo,
  undo,
  visibleStrokes,
  type Extension,
  type MaskHistory,
  type Stroke,
} from "../utils/mask";
import type { InpaintInput } from "../utils/request";

export interface Comparison {
  /** The image the inpaint started from (padded when the canvas was extended). */
  before: string;
  after: string | null;
  /** The latest image when it was queued: the next one after it is the result. */
  startedWith: string | null;
}

/** The inpainting canvas's state (mask history, brush, extension, the before/after result) and
 * its preparation for Invoke: the mask and, when extended, the padded image, uploaded as
 * intermediate images. */
export function useInpaintCanvas() {
  const [history, setHistory] = useState<MaskHistory>(EMPTY_HISTORY);
  const [extension, setExtension] = useState<Extension>(NO_EXTENSION);
  const [brushSize, setBrushSize] = useState<number>(BRUSH.default);
  const [erasing, setErasing] = useState(false);
  /** Set when an inpaint from this canvas is queued; `after` once its result is in. */
  const [comparison, setComparison] = useState<Comparison | null>(null);

  const strokes = useMemo(() => visibleStrokes(history), [history]);
  const reset = useCallback(() => {
    setHistory(EMPTY_HISTORY);
    setExtension(NO_EXTENSION);
    setComparison(null);
  }, []);

  const prepare = useCallback(
    async (image: ImageDTO): Promise<InpaintInput> => {
      const size = { width: image.width, height: image.height };
      const ext = effectiveExtension(size, extension);
      const mask = rasterizeMask(size, ext, strokes);
      if (maskIsEmpty(mask)) throw new Error("Paint over the part of the image that should change, or extend the canvas.");
      const canvas = extendedSize(size, ext);
      let initName = image.image_name;
      if (ext.top || ext.right || ext.bottom || ext.left) {
        const { pixels } = await loadPixels(resolveAppUrl(image.image_url));
        const padded = await pixelsToPng(padPixels(pixels, size, ext), canvas.width, canvas.height);
        initName = (await uploadIntermediate(padded, "canvas.png", "general")).image_name;
      }
      const maskPng = await pixelsToPng(maskToRgba(mask), canvas.width, canvas.height);
      const maskName = (await uploadIntermediate(maskPng, "mask.png", "mask")).image_name;
      return { init: { imageName: initName, ...canvas }, maskName };
    },
    [extension, strokes],
  );

  return {
    history,
    strokes,
    extension,
    setExtension,
    brushSize,
    setBrushSize,
    erasing,
    setErasing,
    comparison,
    setComparison,
    reset,
    prepare,
    add: (stroke: Stroke) => setHistory((h) => addStroke(h, stroke)),
    clear: () => setHistory(clearMask),
    undo: () => setHistory(undo),
    redo: () => setHistory(redo),
  };
}

export type InpaintCanvasState = ReturnType<typeof useInpaintCanvas>;
