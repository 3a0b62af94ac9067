import { Button, Group, Menu } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconArrowsMaximize, IconBrush, IconChevronDown, IconHistory, IconPhotoDown, IconPhotoScan } from "@tabler/icons-react";
import { notifyError } from "@/components/notify";
import type { ImageDTO } from "@/lib/api-types";
import { useEnqueueBatch } from "../api/enqueue-batch";
import { useImageMetadata } from "../api/get-image-metadata";
import { useModels } from "../api/list-models";
import { useGenerateParams } from "../hooks/use-generate-params";
import { upscalers } from "../utils/models";
import { snapSide, withInstalledModel, type GenerationMode } from "../utils/params";
import { applyRecall, type RecallPart } from "../utils/recall";
import { canBuildFor } from "../utils/graph";
import { buildUpscaleBody } from "../utils/upscale-graph";

const RECALL_PARTS: { part: RecallPart; label: string }[] = [
  { part: "all", label: "All parameters" },
  { part: "prompt", label: "Prompt" },
  { part: "seed", label: "Seed" },
  { part: "size", label: "Size" },
  { part: "model", label: "Model" },
  { part: "loras", label: "LoRAs" },
];

/** The viewer's workspace actions: start from this image (image to image, canvas, control
 * image), upscale it, recall its parameters. */
export function WorkspaceImageActions({ image, onStarted }: { image: ImageDTO; onStarted?: () => void }) {
  const [params, setParams, ready] = useGenerateParams();
  const models = useModels();
  const metadata = useImageMetadata(image.image_name);
  const enqueue = useEnqueueBatch();
  const installedUpscalers = upscalers(models.data ?? []);

  const startFrom = (mode: GenerationMode, message: string) => {
    const initImage = { imageName: image.image_name, width: image.width, height: image.height };
    setParams((p) => ({ ...p, mode, initImage, width: snapSide(image.width), height: snapSide(image.height) }));
    notifications.show({ color: "teal", message });
    onStarted?.();
  };

  const useAsControl = () => {
    setParams((p) => ({ ...p, control: { ...p.control, enabled: true, imageName: image.image_name } }));
    notifications.show({ color: "teal", message: "Control image set in the Generate panel" });
    onStarted?.();
  };

  const upscale = (key: string) => {
    const model = installedUpscalers.find((m) => m.key === key);
    if (!model) return;
    enqueue.mutate(buildUpscaleBody({ imageName: image.image_name, model, boardId: image.board_id ?? null }), {
      onSuccess: () => notifications.show({ color: "teal", message: `Upscaling with ${model.name}; the result lands next to the original.` }),
      onError: (error) => notifyError("Could not queue the upscale", error),
    });
  };

  const recall = (part: RecallPart) => {
    const all = models.data ?? [];
    const mains = all.filter(canBuildFor);
    if (!metadata.data) return;
    const result = applyRecall(part === "all" || part === "model" ? withInstalledModel(params, mains) : params, metadata.data, all, part);
    setParams(result.params);
    const gaps = [
      result.missingModel ? `the model “${result.missingModel}” is not installed` : null,
      result.missingLoras ? `${result.missingLoras} LoRA(s) are not installed` : null,
    ].filter(Boolean);
    notifications.show({
      color: gaps.length > 0 || !result.applied ? "yellow" : "teal",
      title: `${RECALL_PARTS.find((r) => r.part === part)?.label} recalled`,
      message: !result.applied ? "The image has none of that." : gaps.length > 0 ? `Except: ${gaps.join("; ")}.` : "Set in the Generate panel.",
    });
  };

  return (
    <Group gap="xs">
      <Menu position="bottom-start" withinPortal>
        <Menu.Target>
          <Button size="xs" variant="light" disabled={!ready} rightSection={<IconChevronDown size={14} />} leftSection={<IconPhotoDown size={14} />}>
            Start from this
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item leftSection={<IconPhotoDown size={14} />} onClick={() => startFrom("img2img", "Init image set; the Generate panel is in image to image")}>
            Use as init image
          </Menu.Item>
          <Menu.Item leftSection={<IconBrush size={14} />} onClick={() => startFrom("inpaint", "Opened in the canvas on the Generate page")}>
            Edit in canvas
          </Menu.Item>
          <Menu.Item leftSection={<IconPhotoScan size={14} />} onClick={useAsControl}>
            Use as control image
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Menu position="bottom-start" withinPortal>
        <Menu.Target>
          <Button size="xs" variant="light" loading={enqueue.isPending} rightSection={<IconChevronDown size={14} />} leftSection={<IconArrowsMaximize size={14} />}>
            Upscale
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {installedUpscalers.length === 0 && <Menu.Label>No upscaler installed</Menu.Label>}
          {installedUpscalers.map((m) => (
            <Menu.Item key={m.key} onClick={() => upscale(m.key)}>
              {m.name}
            </Menu.Item>
          ))}
        </Menu.Dropdown>
      </Menu>
      <Menu position="bottom-start" withinPortal>
        <Menu.Target>
          <Button size="xs" variant="light" disabled={!ready || !metadata.data} rightSection={<IconChevronDown size={14} />} leftSection={<IconHistory size={14} />}>
            Recall
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {RECALL_PARTS.map(({ part, label }) => (
            <Menu.Item key={part} onClick={() => recall(part)}>
              {label}
            </Menu.Item>
          ))}
        </Menu.Dropdown>
      </Menu>
    </Group>
  );
}
