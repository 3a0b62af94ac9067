import { Button, Center, CloseButton, FileButton, Group, Loader, SegmentedControl, Stack, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPhotoOff, IconSearch, IconUpload } from "@tabler/icons-react";
import { useMemo, useState, type DragEvent } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { useLoadMoreOnScroll } from "@/hooks/use-load-more-on-scroll";
import { useSession } from "@/hooks/use-session";
import type { BoardDTO, ImageCategory, ImageDTO } from "@/lib/api-types";
import { plural } from "@/lib/format";
import type { useImages } from "../api/list-images";
import { UPLOAD_TYPES, useUploadImages } from "../api/upload-images";
import { ownerLabel, UNCATEGORIZED } from "../utils/boards";
import { canContributeToBoard } from "../utils/permissions";
import { draggedNames, EMPTY_SELECTION, keepShown, selectByClick, selectedInOrder, toggleOne } from "../utils/selection";
import classes from "./gallery.module.css";
import { ImageTile } from "./image-tile";
import { SelectionBar } from "./selection-bar";
import { VisibilityBadge } from "./visibility-badge";

export type ImageFilter = "all" | "images" | "assets";
export const FILTER_CATEGORIES: Record<ImageFilter, readonly ImageCategory[] | undefined> = {
  all: undefined,
  images: ["general"],
  assets: ["user", "control", "mask", "other"],
};

interface ImagesPanelProps {
  boardId: string;
  board: BoardDTO | null;
  boards: readonly BoardDTO[];
  filter: ImageFilter;
  onFilterChange: (filter: ImageFilter) => void;
  query: ReturnType<typeof useImages>;
  images: ImageDTO[];
  search: string;
  onSearchChange: (search: string) => void;
  onOpen: (image: ImageDTO) => void;
}

export function ImagesPanel({
  boardId,
  board,
  boards,
  filter,
  onFilterChange,
  query,
  images,
  search,
  onSearchChange,
  onOpen,
}: ImagesPanelProps) {
  const session = useSession();
  const [dragging, setDragging] = useState(false);
  const [rawSelection, setSelection] = useState(EMPTY_SELECTION);
  const order = useMemo(() => images.map((image) => image.image_name), [images]);
  const selection = keepShown(rawSelection, order);
  const selected = selectedInOrder(selection, order);
  const total = query.data?.pages[0]?.total;
  const uncategorized = boardId === UNCATEGORIZED;
  const canUpload = uncategorized || (board !== null && canContributeToBoard(session, board));
  const title = uncategorized ? "Uncategorized" : (board?.board_name ?? "Board");
  const upload = useUploadFiles(boardId, title);

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  const { sentinel } = useLoadMoreOnScroll(hasNextPage, isFetchingNextPage || query.isPending, () => void fetchNextPage());

  const hasFiles = (event: DragEvent) => Array.from(event.dataTransfer.types).includes("Files");
  const dropHandlers = canUpload
    ? {
        onDragOver: (event: DragEvent) => {
          if (!hasFiles(event)) return;
          event.preventDefault();
          event.dataTransfer.dropEffect = "copy";
          setDragging(true);
        },
        onDragLeave: (event: DragEvent) => {
          if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
        },
        onDrop: (event: DragEvent) => {
          if (!hasFiles(event)) return;
          event.preventDefault();
          setDragging(false);
          upload(Array.from(event.dataTransfer.files));
        },
      }
    : {};

  return (
    <section className={classes.images} aria-label={`Images in ${title}`} {...dropHandlers}>
      <Group justify="space-between" px="md" py="sm" gap="sm" style={{ borderBottom: "1px solid var(--mantine-color-default-border)" }}>
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Group gap="xs" wrap="nowrap">
            <Title order={1} size="h4" style={{ overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}>
              {title}
            </Title>
            {board && session.multiuser && <VisibilityBadge visibility={board.board_visibility} />}
          </Group>
          <Text size="xs" c="dimmed">
            {total === undefined ? " " : plural(total, "image")}
            {board && ownerLabel(board, session.user.user_id) ? ` · ${ownerLabel(board, session.user.user_id)}` : ""}
          </Text>
        </Stack>
        <Group gap="sm">
          <TextInput
            size="xs"
            placeholder="Search prompts"
            aria-label="Search prompts"
            leftSection={<IconSearch size={14} />}
            value={search}
            onChange={(event) => onSearchChange(event.currentTarget.value)}
            rightSection={search ? <CloseButton size="sm" aria-label="Clear search" onClick={() => onSearchChange("")} /> : null}
            w={180}
          />
          <SegmentedControl
            size="xs"
            value={filter}
            onChange={(value) => onFilterChange(value as ImageFilter)}
            data={[
              { value: "all", label: "All" },
              { value: "images", label: "Generated" },
              { value: "assets", label: "Assets" },
            ]}
            aria-label="Show"
          />
          {canUpload && (
            <FileButton onChange={upload} accept={UPLOAD_TYPES.join(",")} multiple>
              {(props) => (
                <Button {...props} size="xs" leftSection={<IconUpload size={14} />}>
                  Upload
                </Button>
              )}
            </FileButton>
          )}
        </Group>
      </Group>
      {selected.length > 0 && (
        <SelectionBar names={selected} boards={boards} currentBoardId={boardId} onClear={() => setSelection(EMPTY_SELECTION)} />
      )}
      <div className={classes.imagesScroll}>
        <ErrorAlert error={query.error} title="Cannot show these images" />
        {query.isPending && (
          <Center p="xl">
            <Loader aria-label="Loading images" />
          </Center>
        )}
        {query.isSuccess && images.length === 0 && (
          <Center p="xl" mih={300}>
            <Stack align="center" gap="xs">
              <IconPhotoOff size={40} color="var(--mantine-color-dimmed)" aria-hidden />
              <Text c="dimmed">{search.trim() ? `No images match “${search.trim()}”.` : "No images here yet."}</Text>
              {canUpload && (
                <Text size="sm" c="dimmed">
                  Drop image files here or use Upload.
                </Text>
              )}
            </Stack>
          </Center>
        )}
        <div className={classes.grid} role="list" aria-label="Images" data-selecting={selected.length > 0 || undefined}>
          {images.map((image) => (
            <div role="listitem" key={image.image_name}>
              <ImageTile
                image={image}
                boards={boards}
                selected={selection.names.has(image.image_name)}
                onOpen={() => onOpen(image)}
                onSelect={(modifiers) =>
                  setSelection(
                    modifiers.shift
                      ? selectByClick(selection, image.image_name, order, modifiers)
                      : toggleOne(selection, image.image_name),
                  )
                }
                dragNames={() => draggedNames(selection, image.image_name, order)}
              />
            </div>
          ))}
        </div>
        <div ref={sentinel} style={{ height: 1 }} />
        {hasNextPage && (
          <Center p="md">
            <Button variant="subtle" loading={isFetchingNextPage} onClick={() => void fetchNextPage()}>
              Load more
            </Button>
          </Center>
        )}
      </div>
      {dragging && (
        <div className={classes.dropOverlay}>
          <Stack align="center" gap={4}>
            <IconUpload size={40} aria-hidden />
            <Text fw={600}>Drop to upload to {title}</Text>
          </Stack>
        </div>
      )}
    </section>
  );
}

/** Uploads with one progress notification that turns into a summary. */
function useUploadFiles(boardId: string, boardName: string) {
  const id = `upload-${boardId}`;
  const uploads = useUploadImages((done, total) =>
    notifications.update({ id, loading: true, autoClose: false, message: `Uploading ${done + 1} of ${total}…` }),
  );
  return (files: File[]) => {
    if (files.length === 0) return;
    notifications.show({ id, loading: true, autoClose: false, withCloseButton: false, message: "Uploading…" });
    uploads.mutate(
      { files, boardId },
      {
        onSuccess: ({ uploaded, failures }) => {
          const failed = failures.map((f) => `${f.file}: ${f.message}`).join("\n");
          notifications.update({
            id,
            loading: false,
            autoClose: failures.length ? 10_000 : 3000,
            withCloseButton: true,
            color: failures.length ? (uploaded.length ? "yellow" : "red") : "teal",
            title: failures.length ? (uploaded.length ? "Some files were not uploaded" : "Upload failed") : "Upload complete",
            message: (
              <Text size="sm" style={{ whiteSpace: "pre-line" }}>
                {[uploaded.length ? `${plural(uploaded.length, "image")} added to ${boardName}` : "", failed]
                  .filter(Boolean)
                  .join("\n")}
              </Text>
            ),
          });
        },
      },
    );
  };
}
