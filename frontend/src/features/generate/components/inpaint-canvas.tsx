import { ActionIcon, Button, Group, Kbd, Modal, NumberInput, SegmentedControl, Slider, Stack, Table, Text, Tooltip } from "@mantine/core";
import { IconArrowBackUp, IconArrowForwardUp, IconKeyboard, IconTrash } from "@tabler/icons-react";
import { useEffect, useRef, useState, type PointerEvent } from "react";
import { resolveAppUrl } from "@/lib/app-root";
import type { ImageDTO } from "@/lib/api-types";
import type { InpaintCanvasState } from "../hooks/use-inpaint-canvas";
import { BRUSH, clampBrush, effectiveExtension, extendedSize, EXTENSION_STEP, rasterizeMask, stepBrush, type Extension, type Point, type Stroke } from "../utils/mask";
import classes from "./canvas.module.css";

const SHORTCUTS: [string, string][] = [
  ["[ / ]", "Smaller / larger brush"],
  ["E", "Brush / eraser"],
  ["Ctrl+Z (⌘Z)", "Undo"],
  ["Ctrl+Shift+Z", "Redo"],
  ["?", "This list"],
];

/** The inpainting canvas: the image with its mask painted over it in red, brush and eraser,
 * outpainting by extending any side, and a before/after comparison once a result is in. */
export function InpaintCanvas({ state, image }: { state: InpaintCanvasState; image: ImageDTO | null }) {
  const [help, setHelp] = useState(false);
  useCanvasShortcuts(state, () => setHelp(true));
  if (!image) {
    return (
      <div className={classes.stage}>
        <Text c="dimmed" maw={360} ta="center">
          Drag an image from the gallery onto the panel's canvas image, or open one in the gallery and choose “Edit in canvas”.
        </Text>
      </div>
    );
  }
  return (
    <div className={classes.workspace} aria-label="Inpainting canvas">
      <Toolbar state={state} onHelp={() => setHelp(true)} />
      {state.comparison?.after ? <Comparison before={state.comparison.before} after={state.comparison.after} /> : <MaskStage state={state} image={image} />}
      <Modal opened={help} onClose={() => setHelp(false)} title="Canvas shortcuts">
        <Table>
          <Table.Tbody>
            {SHORTCUTS.map(([keys, what]) => (
              <Table.Tr key={keys}>
                <Table.Td>
                  <Kbd>{keys}</Kbd>
                </Table.Td>
                <Table.Td>{what}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Modal>
    </div>
  );
}

function useCanvasShortcuts(state: InpaintCanvasState, showHelp: () => void) {
  const { setBrushSize, setErasing, undo, redo } = state;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
      const mod = event.ctrlKey || event.metaKey;
      if (event.key === "[") setBrushSize((s) => stepBrush(s, -1));
      else if (event.key === "]") setBrushSize((s) => stepBrush(s, 1));
      else if (mod && event.key.toLowerCase() === "z") (event.shiftKey ? redo : undo)();
      else if (!mod && event.key.toLowerCase() === "e") setErasing((e) => !e);
      else if (event.key === "?") showHelp();
      else return;
      event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [setBrushSize, setErasing, undo, redo, showHelp]);
}

function Toolbar({ state, onHelp }: { state: InpaintCanvasState; onHelp: () => void }) {
  const { history, brushSize, setBrushSize, erasing, setErasing, extension, setExtension, comparison, setComparison } = state;
  if (comparison?.after) {
    return (
      <Group className={classes.toolbar} gap="sm">
        <Text size="sm" fw={600}>
          Before / after
        </Text>
        <Button size="xs" variant="default" onClick={() => setComparison(null)}>
          Back to the mask
        </Button>
      </Group>
    );
  }
  const side = (key: keyof Extension, label: string) => (
    <NumberInput
      key={key}
      w={76}
      size="xs"
      aria-label={`Extend ${label}`}
      title={`Pixels to add on the ${label}`}
      leftSection={<Text size="xs">{label[0]!.toUpperCase()}</Text>}
      value={extension[key]}
      min={0}
      max={1024}
      step={EXTENSION_STEP}
      allowDecimal={false}
      onChange={(v) => setExtension({ ...extension, [key]: Math.max(0, Math.round((typeof v === "number" ? v : 0) / 8) * 8) })}
    />
  );
  return (
    <Group className={classes.toolbar} gap="sm" wrap="wrap">
      <SegmentedControl
        size="xs"
        aria-label="Tool"
        data={[
          { value: "brush", label: "Brush" },
          { value: "eraser", label: "Eraser" },
        ]}
        value={erasing ? "eraser" : "brush"}
        onChange={(tool) => setErasing(tool === "eraser")}
      />
      <Group gap={6} wrap="nowrap">
        <Text size="xs">Size {brushSize}</Text>
        <Slider w={120} aria-label="Brush size" value={brushSize} min={BRUSH.min} max={BRUSH.max} onChange={(s) => setBrushSize(clampBrush(s))} />
      </Group>
      <Tooltip label="Undo (Ctrl+Z)">
        <ActionIcon variant="default" aria-label="Undo" onClick={state.undo} disabled={history.actions.length === 0}>
          <IconArrowBackUp size={16} />
        </ActionIcon>
      </Tooltip>
      <Tooltip label="Redo (Ctrl+Shift+Z)">
        <ActionIcon variant="default" aria-label="Redo" onClick={state.redo} disabled={history.undone.length === 0}>
          <IconArrowForwardUp size={16} />
        </ActionIcon>
      </Tooltip>
      <Tooltip label="Clear the mask">
        <ActionIcon variant="default" aria-label="Clear the mask" onClick={state.clear} disabled={state.strokes.length === 0}>
          <IconTrash size={16} />
        </ActionIcon>
      </Tooltip>
      <Group gap={4} wrap="nowrap" aria-label="Extend the canvas">
        {side("top", "top")}
        {side("right", "right")}
        {side("bottom", "bottom")}
        {side("left", "left")}
      </Group>
      <Tooltip label="Shortcuts (?)">
        <ActionIcon variant="subtle" aria-label="Keyboard shortcuts" onClick={onHelp}>
          <IconKeyboard size={18} />
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}

/** The image (padded by the extension) under a canvas showing the mask; pointer strokes paint. */
function MaskStage({ state, image }: { state: InpaintCanvasState; image: ImageDTO }) {
  const overlay = useRef<HTMLCanvasElement>(null);
  const current = useRef<Point[] | null>(null);
  const size = { width: image.width, height: image.height };
  const ext = effectiveExtension(size, state.extension);
  const canvas = extendedSize(size, ext);
  const { strokes, brushSize, erasing } = state;

  useEffect(() => {
    const context = overlay.current?.getContext("2d");
    if (!context) return;
    const mask = rasterizeMask(size, ext, strokes);
    const pixels = new ImageData(canvas.width, canvas.height);
    mask.forEach((painted, i) => painted && pixels.data.set([255, 48, 48, 140], i * 4));
    context.putImageData(pixels, 0, 0);
    // size/ext/canvas derive from image and extension
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [strokes, image.image_name, state.extension, canvas.width, canvas.height]);

  const toImage = (event: PointerEvent<HTMLCanvasElement>): Point => {
    const rect = event.currentTarget.getBoundingClientRect();
    return {
      x: ((event.clientX - rect.left) * canvas.width) / rect.width - ext.left,
      y: ((event.clientY - rect.top) * canvas.height) / rect.height - ext.top,
    };
  };
  const drawLive = (from: Point, to: Point) => {
    const context = overlay.current?.getContext("2d");
    if (!context) return;
    context.globalCompositeOperation = erasing ? "destination-out" : "source-over";
    context.strokeStyle = "rgba(255, 48, 48, 0.55)";
    context.lineWidth = brushSize;
    context.lineCap = "round";
    context.beginPath();
    context.moveTo(from.x + ext.left, from.y + ext.top);
    context.lineTo(to.x + ext.left, to.y + ext.top);
    context.stroke();
    context.globalCompositeOperation = "source-over";
  };

  return (
    <div className={classes.stage}>
      <div className={classes.layers} style={{ aspectRatio: `${canvas.width} / ${canvas.height}`, width: `min(100%, ${canvas.width * 4}px)` }}>
        <div style={{ position: "absolute", inset: 0, background: "repeating-conic-gradient(#444 0 25%, #333 0 50%) 0 0 / 16px 16px" }} />
        <img
          src={resolveAppUrl(image.image_url)}
          alt="Image being inpainted"
          style={{
            position: "absolute",
            left: `${(ext.left / canvas.width) * 100}%`,
            top: `${(ext.top / canvas.height) * 100}%`,
            width: `${(image.width / canvas.width) * 100}%`,
            maxWidth: "none",
          }}
          draggable={false}
        />
        <canvas
          ref={overlay}
          className={classes.overlay}
          width={canvas.width}
          height={canvas.height}
          data-testid="mask-canvas"
          aria-label="Mask: paint where the image should change"
          onPointerDown={(event) => {
            event.currentTarget.setPointerCapture(event.pointerId);
            const point = toImage(event);
            current.current = [point];
            drawLive(point, point);
          }}
          onPointerMove={(event) => {
            const points = current.current;
            if (!points) return;
            const point = toImage(event);
            drawLive(points[points.length - 1]!, point);
            points.push(point);
          }}
          onPointerUp={() => {
            const points = current.current;
            current.current = null;
            if (points) state.add({ points, size: brushSize, erase: erasing } satisfies Stroke);
          }}
        />
      </div>
    </div>
  );
}

function Comparison({ before, after }: { before: string; after: string }) {
  const [split, setSplit] = useState(50);
  const url = (name: string) => resolveAppUrl(`api/v1/images/i/${encodeURIComponent(name)}/full`);
  return (
    <div className={classes.stage}>
      <Stack align="center" gap="sm" w="100%">
        <div className={classes.compare} data-testid="comparison">
          <img className={classes.image} src={url(before)} alt="Before" />
          <img className={classes.after} style={{ clipPath: `inset(0 0 0 ${split}%)` }} src={url(after)} alt="After" />
        </div>
        <Slider w={320} aria-label="Before and after" value={split} onChange={setSplit} label={(v) => `${v}%`} />
        <Text size="xs" c="dimmed">
          Left of the line: before; right: after.
        </Text>
      </Stack>
    </div>
  );
}
