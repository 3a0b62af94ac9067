import { createContext, useContext } from "react";

/** Where the gallery lives: "/gallery" on its own, "/generate" beside the Generate panel.
 * Board links and redirects stay inside whichever page shows the gallery. */
export const GalleryPathContext = createContext("/gallery");

export function useBoardPath(): (boardId?: string) => string {
  const base = useContext(GalleryPathContext);
  return (boardId) => (boardId ? `${base}/${boardId}` : base);
}
