import {
  ActionIcon,
  Anchor,
  Badge,
  Box,
  Button,
  Code,
  Collapse,
  Group,
  Loader,
  Modal,
  ScrollArea,
  Stack,
  Text,
  Tooltip,
  UnstyledButton,
} from "@mantine/core";
import { useHotkeys } from "@mantine/hooks";
import {
  IconArrowsMove,
  IconChevronLeft,
  IconChevronRight,
  IconDownload,
  IconStar,
  IconStarFilled,
  IconTrash,
  IconWand,
} from "@tabler/icons-react";
import { useState, type ReactNode } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { notifyError, notifySuccess } from "@/components/notify";
import { useSession } from "@/hooks/use-session";
import { resolveAppUrl } from "@/lib/app-root";
import type { BoardDTO, ImageDTO } from "@/lib/api-types";
import { formatDateTime } from "@/lib/format";
import { useImage } from "../api/get-image";
import { useImageMetadata } from "../api/get-image-metadata";
import { useSaveRecallParameters } from "../api/save-recall-parameters";
import { useImageActions } from "../hooks/use-image-actions";
import { hasRecallableParameters, metadataRows } from "../utils/metadata";
import { canChangeImage, moveTargets } from "../utils/permissions";
import classes from "./gallery.module.css";
import { DeleteImageModal, MoveImageModal } from "./image-dialogs";

interface ImageViewerProps {
  imageName: string;
  /** The loaded grid, for previous/next. */
  images: readonly ImageDTO[];
  boards: readonly BoardDTO[];
  onNavigate: (imageName: string | null) => void;
  imageActions?: (image: ImageDTO) => ReactNode;
}

export function ImageViewer({ imageName, images, boards, onNavigate, imageActions }: ImageViewerProps) {
  const index = images.findIndex((i) => i.image_name === imageName);
  const listed = index >= 0 ? images[index] : undefined;
  const fetched = useImage(imageName, listed === undefined);
  const image = { data: listed ?? fetched.data, error: listed ? null : fetched.error };
  const previous = index > 0 ? images[index - 1] : undefined;
  const next = index >= 0 && index < images.length - 1 ? images[index + 1] : undefined;
  const close = () => onNavigate(null);

  useHotkeys([
    ["ArrowLeft", () => previous && onNavigate(previous.image_name)],
    ["ArrowRight", () => next && onNavigate(next.image_name)],
  ]);

  return (
    <Modal
      opened
      onClose={close}
      size="min(1400px, calc(100vw - 48px))"
      title={<Text fw={600}>Image</Text>}
      centered
      padding="md"
    >
      {image.data ? (
        <Group align="flex-start" gap="md" wrap="nowrap" style={{ minHeight: 0 }}>
          <Box style={{ flex: 1, minWidth: 0 }}>
            <div className={classes.viewerStage}>
              <img
                className={classes.viewerImage}
                src={resolveAppUrl(image.data.image_url)}
                alt={`Image ${image.data.image_name}`}
                data-testid="viewer-image"
              />
            </div>
            <Group justify="space-between" mt="sm">
              <Button
                variant="default"
                leftSection={<IconChevronLeft size={16} />}
                disabled={!previous}
                onClick={() => previous && onNavigate(previous.image_name)}
              >
                Previous
              </Button>
              <Text size="xs" c="dimmed">
                Arrow keys browse · Esc closes
              </Text>
              <Button
                variant="default"
                rightSection={<IconChevronRight size={16} />}
                disabled={!next}
                onClick={() => next && onNavigate(next.image_name)}
              >
                Next
              </Button>
            </Group>
          </Box>
          <ImageDetails
            image={image.data}
            boards={boards}
            onDeleted={() => onNavigate(next?.image_name ?? previous?.image_name ?? null)}
            extraActions={imageActions?.(image.data)}
          />
        </Group>
      ) : image.error ? (
        <ErrorAlert error={image.error} title="Cannot show this image" />
      ) : (
        <Loader aria-label="Loading image" />
      )}
    </Modal>
  );
}

function ImageDetails({
  image,
  boards,
  onDeleted,
  extraActions,
}: {
  image: ImageDTO;
  boards: readonly BoardDTO[];
  onDeleted: () => void;
  extraActions?: ReactNode;
}) {
  const session = useSession();
  const metadata = useImageMetadata(image.image_name);
  const recall = useSaveRecallParameters();
  const actions = useImageActions();
  const [dialog, setDialog] = useState<"move" | "delete" | null>(null);
  const [showRaw, setShowRaw] = useState(false);
  const board = boards.find((b) => b.board_id === image.board_id) ?? null;
  const changeable = canChangeImage(session, image, board);
  const movable = moveTargets(session, image, board, boards).length > 0;
  const rows = metadataRows(metadata.data);

  const useParameters = () => {
    if (!metadata.data) return;
    recall.mutate(metadata.data, {
      onSuccess: () => notifySuccess("Parameters saved; the Generate panel will start from them."),
      onError: (error) => notifyError("Could not save the parameters", error),
    });
  };

  return (
    <Stack w={340} gap="sm" style={{ flex: "none" }} data-testid="image-details">
      <Group gap="xs">
        {changeable && (
          <Tooltip label={image.starred ? "Unstar" : "Star"}>
            <ActionIcon
              variant="default"
              size="lg"
              aria-label={image.starred ? "Unstar" : "Star"}
              aria-pressed={image.starred}
              onClick={() => actions.toggleStar(image)}
            >
              {image.starred ? <IconStarFilled size={18} color="var(--mantine-color-yellow-4)" /> : <IconStar size={18} />}
            </ActionIcon>
          </Tooltip>
        )}
        {movable && (
          <Tooltip label="Move to board">
            <ActionIcon variant="default" size="lg" aria-label="Move to board" onClick={() => setDialog("move")}>
              <IconArrowsMove size={18} />
            </ActionIcon>
          </Tooltip>
        )}
        <Tooltip label="Open full size">
          <ActionIcon
            component="a"
            href={resolveAppUrl(image.image_url)}
            target="_blank"
            rel="noopener"
            variant="default"
            size="lg"
            aria-label="Open full size"
          >
            <IconDownload size={18} />
          </ActionIcon>
        </Tooltip>
        {changeable && (
          <Tooltip label="Delete">
            <ActionIcon variant="default" color="red" size="lg" aria-label="Delete image" onClick={() => setDialog("delete")}>
              <IconTrash size={18} />
            </ActionIcon>
          </Tooltip>
        )}
      </Group>
      <Button
        leftSection={<IconWand size={16} />}
        onClick={useParameters}
        loading={recall.isPending}
        disabled={!hasRecallableParameters(metadata.data)}
        variant="light"
      >
        Use these parameters
      </Button>
      {extraActions}
      <ScrollArea.Autosize mah="calc(100dvh - 280px)" type="auto" offsetScrollbars>
        <Stack gap="xs">
          <Group gap={6}>
            <Badge variant="light" color="gray">
              {image.width} × {image.height}
            </Badge>
            <Badge variant="light" color="gray">
              {image.image_category === "general" ? "Generated" : "Asset"}
            </Badge>
            {board && <Badge variant="light">{board.board_name}</Badge>}
          </Group>
          <Detail label="Created" value={formatDateTime(image.created_at)} />
          <Detail label="File" value={image.image_name} mono />
          {metadata.isPending && <Loader size="xs" aria-label="Loading metadata" />}
          <ErrorAlert error={metadata.error} />
          {metadata.data === null && (
            <Text size="sm" c="dimmed">
              No generation parameters are stored with this image.
            </Text>
          )}
          {rows.map((row) => (
            <Detail key={row.key} label={row.label} value={row.value} long={row.long} />
          ))}
          {metadata.data && (
            <>
              <UnstyledButton onClick={() => setShowRaw((v) => !v)} aria-expanded={showRaw}>
                <Anchor component="span" size="xs">
                  {showRaw ? "Hide raw metadata" : "Show raw metadata"}
                </Anchor>
              </UnstyledButton>
              <Collapse expanded={showRaw}>
                <Code block>{JSON.stringify(metadata.data, null, 2)}</Code>
              </Collapse>
            </>
          )}
        </Stack>
      </ScrollArea.Autosize>
      {dialog === "move" && <MoveImageModal image={image} boards={boards} onClose={() => setDialog(null)} />}
      {dialog === "delete" && (
        <DeleteImageModal image={image} onClose={() => setDialog(null)} onDeleted={onDeleted} />
      )}
    </Stack>
  );
}

function Detail({ label, value, long, mono }: { label: string; value: string; long?: boolean; mono?: boolean }) {
  return (
    <Box>
      <Text size="xs" c="dimmed" fw={600}>
        {label}
      </Text>
      <Text size="sm" className={long ? classes.prompt : undefined} ff={mono ? "monospace" : undefined} style={{ wordBreak: "break-all" }}>
        {value}
      </Text>
    </Box>
  );
}
