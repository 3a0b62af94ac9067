/** Multi-select in the gallery grid, as file managers do: ctrl/cmd-click toggles one image,
 * shift-click selects the range from the last clicked image (the anchor), a plain click on the
 * checkbox toggles. Pure: the grid's current order in, the new selection out. */

export interface Selection {
  names: ReadonlySet<string>;
  /** The image the next shift-click ranges from. */
  anchor: string | null;
}

export const EMPTY_SELECTION: Selection = { names: new Set(), anchor: null };

export interface ClickModifiers {
  shift: boolean;
  /** Ctrl, or Cmd on macOS. */
  toggle: boolean;
}

/** The selection after clicking `name` in a grid showing `order`. */
export function selectByClick(selection: Selection, name: string, order: readonly string[], modifiers: ClickModifiers): Selection {
  if (modifiers.shift && selection.anchor !== null) {
    const from = order.indexOf(selection.anchor);
    const to = order.indexOf(name);
    if (from !== -1 && to !== -1) {
      const [start, end] = from < to ? [from, to] : [to, from];
      const range = order.slice(start, end + 1);
      const names = new Set(modifiers.toggle ? selection.names : []);
      for (const item of range) names.add(item);
      return { names, anchor: selection.anchor };
    }
  }
  return toggleOne(selection, name);
}

export function toggleOne(selection: Selection, name: string): Selection {
  const names = new Set(selection.names);
  if (names.has(name)) names.delete(name);
  else names.add(name);
  return { names, anchor: name };
}

/** Keeps only names still shown (after a delete, a move away, or a new board). */
export function keepShown(selection: Selection, order: readonly string[]): Selection {
  const shown = new Set(order);
  const names = new Set([...selection.names].filter((name) => shown.has(name)));
  if (names.size === selection.names.size) return selection;
  return { names, anchor: selection.anchor !== null && shown.has(selection.anchor) ? selection.anchor : null };
}

/** The selected names in grid order (what the selection bar acts on). */
export function selectedInOrder(selection: Selection, order: readonly string[]): string[] {
  return order.filter((name) => selection.names.has(name));
}

/** The MIME type of a dragged gallery image; the value is its image_name. Half A's init-image
 * drop target reads it too. */
export const IMAGE_DRAG_TYPE = "application/x-gesso-image";
/** All dragged image names (a JSON array) when a selected image is dragged with the others. */
export const IMAGES_DRAG_TYPE = "application/x-gesso-images";

/** The names a drag carries: the whole selection when the dragged image is in it. */
export function draggedNames(selection: Selection, dragged: string, order: readonly string[]): string[] {
  return selection.names.has(dragged) ? selectedInOrder(selection, order) : [dragged];
}

/** The image names a drop carries, or [] when it is not a gallery image drag. */
export function namesFromDrop(read: (type: string) => string): string[] {
  const many = read(IMAGES_DRAG_TYPE);
  if (many) {
    try {
      const parsed: unknown = JSON.parse(many);
      if (Array.isArray(parsed)) return parsed.filter((item): item is string => typeof item === "string");
    } catch {
      // fall back to the single name
    }
  }
  const one = read(IMAGE_DRAG_TYPE);
  return one ? [one] : [];
}
