import { useDebouncedValue } from "@mantine/hooks";
import { useCallback, useMemo, useState, type ReactNode } from "react";
import type { ImageDTO } from "@/lib/api-types";
import { useSearchParams } from "react-router";
import { useBoard } from "../api/get-board";
import { useBoards } from "../api/list-boards";
import { useImages } from "../api/list-images";
import { GalleryPathContext } from "../hooks/gallery-path";
import { UNCATEGORIZED } from "../utils/boards";
import { BoardsPanel } from "./boards-panel";
import classes from "./gallery.module.css";
import { FILTER_CATEGORIES, ImagesPanel, type ImageFilter } from "./images-panel";
import { ImageViewer } from "./image-viewer";

interface GalleryPageProps {
  boardId?: string;
  basePath?: string;
  /** More actions for the viewer's image (the generation workspace's, composed in app/). */
  imageActions?: (image: ImageDTO) => ReactNode;
}

/** Boards on the left, the selected board's images on the right; `?image=` opens the viewer.
 * `basePath` is the page the gallery is shown on (board links stay on it). */
export function GalleryPage({ boardId = UNCATEGORIZED, basePath = "/gallery", imageActions }: GalleryPageProps) {
  const [showArchived, setShowArchived] = useState(false);
  const boards = useBoards(showArchived);
  const [searchParams, setSearchParams] = useSearchParams();
  const [filter, setFilter] = useState<ImageFilter>("all");
  const [search, setSearch] = useState("");
  const [debouncedSearch] = useDebouncedValue(search.trim(), 300);
  const images = useImages(boardId, FILTER_CATEGORIES[filter], debouncedSearch);
  const loaded = useMemo(() => images.data?.pages.flatMap((page) => page.items) ?? [], [images.data]);
  const openImage = searchParams.get("image");
  const boardList = boards.data ?? [];
  const listed = boardList.find((b) => b.board_id === boardId);
  const single = useBoard(boardId, boards.isSuccess && !listed && boardId !== UNCATEGORIZED);
  const board = listed ?? single.data ?? null;

  const navigateViewer = useCallback(
    (imageName: string | null) =>
      setSearchParams(
        (params) => {
          const next = new URLSearchParams(params);
          if (imageName) next.set("image", imageName);
          else next.delete("image");
          return next;
        },
        { replace: openImage !== null },
      ),
    [setSearchParams, openImage],
  );

  return (
    <GalleryPathContext.Provider value={basePath}>
      <div className={classes.page}>
        <BoardsPanel
          selected={boardId}
          boards={boards}
          showArchived={showArchived}
          onShowArchivedChange={setShowArchived}
        />
        <ImagesPanel
          key={boardId}
          boardId={boardId}
          board={board}
          boards={boardList}
          filter={filter}
          onFilterChange={setFilter}
          query={images}
          images={loaded}
          search={search}
          onSearchChange={setSearch}
          onOpen={(image) => navigateViewer(image.image_name)}
        />
        {openImage && (
          <ImageViewer
            imageName={openImage}
            images={loaded}
            boards={boardList}
            onNavigate={navigateViewer}
            imageActions={imageActions}
          />
        )}
      </div>
    </GalleryPathContext.Provider>
  );
}
