/** The inpainting canvas's mask tools as pure functions: brush strokes rasterised to a mask, an
 * undo history, and outpainting's extension of the canvas (padding the image, masking the new
 * area). Coordinates are image pixels of the original image; an extension shifts them by its
 * left and top padding. Masks are one byte per pixel: 1 where the image is redone. */

export interface Point {
  x: number;
  y: number;
}

export interface Stroke {
  points: readonly Point[];
  /** Brush diameter in image pixels. */
  size: number;
  /** The eraser takes paint away. */
  erase: boolean;
}

/** Pixels added on each side (multiples of 8 so the canvas stays a size the models take). */
export interface Extension {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export const NO_EXTENSION: Extension = { top: 0, right: 0, bottom: 0, left: 0 };
export const BRUSH = { min: 1, max: 256, step: 4, default: 32 } as const;
export const EXTENSION_STEP = 8;

export const clampBrush = (size: number) => Math.min(BRUSH.max, Math.max(BRUSH.min, Math.round(size)));

/** `[` and `]`: smaller and larger brush, by a step that grows with the size. */
export function stepBrush(size: number, direction: 1 | -1): number {
  const step = size >= 64 ? 16 : size >= 16 ? BRUSH.step : 1;
  return clampBrush(size + direction * step);
}

// ---- history: strokes and clears, undoable -------------------------------------------------

export type MaskAction = { kind: "stroke"; stroke: Stroke } | { kind: "clear" };

export interface MaskHistory {
  actions: readonly MaskAction[];
  /** Undone actions, most recent last (redo takes them back). */
  undone: readonly MaskAction[];
}

export const EMPTY_HISTORY: MaskHistory = { actions: [], undone: [] };

export const addStroke = (history: MaskHistory, stroke: Stroke): MaskHistory =>
  stroke.points.length === 0 ? history : { actions: [...history.actions, { kind: "stroke", stroke }], undone: [] };

/** Clearing is an action too, so undo brings the mask back. */
export const clearMask = (history: MaskHistory): MaskHistory =>
  visibleStrokes(history).length === 0 ? history : { actions: [...history.actions, { kind: "clear" }], undone: [] };

export function undo(history: MaskHistory): MaskHistory {
  const last = history.actions.at(-1);
  return last ? { actions: history.actions.slice(0, -1), undone: [...history.undone, last] } : history;
}

export function redo(history: MaskHistory): MaskHistory {
  const next = history.undone.at(-1);
  return next ? { actions: [...history.actions, next], undone: history.undone.slice(0, -1) } : history;
}

/** The strokes since the last clear, oldest first. */
export function visibleStrokes(history: MaskHistory): Stroke[] {
  const strokes: Stroke[] = [];
  for (const action of history.actions) {
    if (action.kind === "clear") strokes.length = 0;
    else strokes.push(action.stroke);
  }
  return strokes;
}

// ---- rasterisation --------------------------------------------------------------------------

function distanceSquaredToSegment(px: number, py: number, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const lengthSquared = dx * dx + dy * dy;
  const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, ((px - a.x) * dx + (py - a.y) * dy) / lengthSquared));
  const cx = a.x + t * dx - px;
  const cy = a.y + t * dy - py;
  return cx * cx + cy * cy;
}

/** Paints (or erases) one stroke into `mask` (width × height), its points shifted by `offset`:
 * every pixel whose centre lies within half the brush size of the stroke's path. */
export function rasterizeStroke(mask: Uint8Array, width: number, height: number, stroke: Stroke, offset: Point = { x: 0, y: 0 }): void {
  const radius = stroke.size / 2;
  const value = stroke.erase ? 0 : 1;
  const points = stroke.points.map((p) => ({ x: p.x + offset.x, y: p.y + offset.y }));
  const segments = points.length === 1 ? [[points[0]!, points[0]!] as const] : points.slice(1).map((p, i) => [points[i]!, p] as const);
  for (const [a, b] of segments) {
    const x0 = Math.max(0, Math.floor(Math.min(a.x, b.x) - radius));
    const x1 = Math.min(width - 1, Math.ceil(Math.max(a.x, b.x) + radius));
    const y0 = Math.max(0, Math.floor(Math.min(a.y, b.y) - radius));
    const y1 = Math.min(height - 1, Math.ceil(Math.max(a.y, b.y) + radius));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        if (distanceSquaredToSegment(x + 0.5, y + 0.5, a, b) <= radius * radius) mask[y * width + x] = value;
      }
    }
  }
}

export interface CanvasSize {
  width: number;
  height: number;
}

export const extendedSize = (image: CanvasSize, ext: Extension): CanvasSize => ({
  width: image.width + ext.left + ext.right,
  height: image.height + ext.top + ext.bottom,
});

/** The extension that also rounds an odd-sized image up to multiples of 8 (on the right and
 * bottom), so every canvas can be generated into. */
export function effectiveExtension(image: CanvasSize, ext: Extension): Extension {
  const roundUp = (side: number) => (EXTENSION_STEP - (side % EXTENSION_STEP)) % EXTENSION_STEP;
  const width = image.width + ext.left + ext.right;
  const height = image.height + ext.top + ext.bottom;
  return { ...ext, right: ext.right + roundUp(width), bottom: ext.bottom + roundUp(height) };
}

/** The whole mask of the (extended) canvas: the added area, then the strokes in order. */
export function rasterizeMask(image: CanvasSize, ext: Extension, strokes: readonly Stroke[]): Uint8Array {
  const { width, height } = extendedSize(image, ext);
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const outside = x < ext.left || x >= ext.left + image.width || y < ext.top || y >= ext.top + image.height;
      if (outside) mask[y * width + x] = 1;
    }
  }
  for (const stroke of strokes) rasterizeStroke(mask, width, height, stroke, { x: ext.left, y: ext.top });
  return mask;
}

export const maskIsEmpty = (mask: Uint8Array) => !mask.includes(1);

/** The mask as RGBA pixels for the server's `tomask`: painted pixels opaque white, the rest
 * transparent. */
export function maskToRgba(mask: Uint8Array): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(mask.length * 4);
  mask.forEach((painted, i) => {
    if (painted) rgba.set([255, 255, 255, 255], i * 4);
  });
  return rgba;
}

/** The image's RGBA pixels padded by the extension, the new area filled by stretching the
 * nearest edge pixel outwards (a neutral start for the model; it is fully redone). */
export function padPixels(pixels: Uint8ClampedArray, image: CanvasSize, ext: Extension): Uint8ClampedArray {
  const { width, height } = extendedSize(image, ext);
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(image.height - 1, Math.max(0, y - ext.top));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(image.width - 1, Math.max(0, x - ext.left));
      const from = (sy * image.width + sx) * 4;
      out.set(pixels.subarray(from, from + 4), (y * width + x) * 4);
    }
  }
  return out;
}
