import { ActionIcon, Box, Input, Text, Tooltip } from "@mantine/core";
import { IconPhotoPlus, IconX } from "@tabler/icons-react";
import { useState, type DragEvent } from "react";
import { resolveAppUrl } from "@/lib/app-root";
import type { ImageDTO } from "@/lib/api-types";
import { errorMessage } from "@/lib/api-client";
import { getImage, useImageInfo } from "../api/get-image";
import { IMAGE_DRAG_TYPE } from "../utils/drag";
import classes from "./generate.module.css";

interface ImageDropFieldProps {
  label: string;
  imageName: string | null;
  /** A gallery image dropped here (its DTO, for the size), or null when removed. */
  onChange: (image: ImageDTO | null) => void;
  error?: string;
}

/** A slot for a gallery image: drag a thumbnail in (or use the viewer's buttons). */
export function ImageDropField({ label, imageName, onChange, error }: ImageDropFieldProps) {
  const [over, setOver] = useState(false);
  const [dropError, setDropError] = useState<string | null>(null);
  const info = useImageInfo(imageName);
  const accepts = (event: DragEvent) => event.dataTransfer.types.includes(IMAGE_DRAG_TYPE);

  const drop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    const name = event.dataTransfer.getData(IMAGE_DRAG_TYPE).trim();
    if (!name) return;
    setDropError(null);
    getImage(name).then(onChange, (error: unknown) => setDropError(`That image cannot be used: ${errorMessage(error)}`));
  };

  const shown = imageName && info.data?.image_name === imageName ? info.data : null;
  return (
    <Input.Wrapper label={label} error={error ?? dropError ?? (info.isError ? "That image is gone; choose another" : undefined)}>
      <div
        className={classes.dropZone}
        data-over={over || undefined}
        data-testid={`drop-${label.toLowerCase().replace(/\s+/g, "-")}`}
        onDragOver={(event) => {
          if (!accepts(event)) return;
          event.preventDefault();
          event.dataTransfer.dropEffect = "copy";
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
      >
        {shown ? (
          <img className={classes.dropThumb} src={resolveAppUrl(shown.thumbnail_url)} alt={label} />
        ) : (
          <Box className={classes.dropThumb} style={{ display: "grid", placeItems: "center" }}>
            <IconPhotoPlus size={22} opacity={0.5} />
          </Box>
        )}
        <Text size="xs" c="dimmed" style={{ flex: 1 }}>
          {shown ? `${shown.width} × ${shown.height}` : "Drag an image here from the gallery, or open one and choose it there."}
        </Text>
        {imageName && (
          <Tooltip label="Remove">
            <ActionIcon variant="subtle" color="gray" aria-label={`Remove ${label.toLowerCase()}`} onClick={() => onChange(null)}>
              <IconX size={16} />
            </ActionIcon>
          </Tooltip>
        )}
      </div>
    </Input.Wrapper>
  );
}
