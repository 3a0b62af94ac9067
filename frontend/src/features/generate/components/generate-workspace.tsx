import { SegmentedControl } from "@mantine/core";
import { useEffect, useState, type ReactNode } from "react";
import { useSession } from "@/hooks/use-session";
import { useImageInfo } from "../api/get-image";
import { useGenerateParams } from "../hooks/use-generate-params";
import { useGenerationProgress } from "../hooks/use-generation-progress";
import { useInpaintCanvas } from "../hooks/use-inpaint-canvas";
import { GeneratePanel, type TargetBoard } from "./generate-panel";
import classes from "./generate.module.css";
import { InpaintCanvas } from "./inpaint-canvas";

interface GenerateWorkspaceProps {
  board: TargetBoard | null;
  noModels: ReactNode;
  queueSummary?: ReactNode;
  /** The gallery, beside the panel (in inpaint mode, a tab beside the canvas). */
  gallery: ReactNode;
}

/** The Generate screen: parameters on the left; the gallery, or the inpainting canvas, on the right. */
export function GenerateWorkspace({ board, noModels, queueSummary, gallery }: GenerateWorkspaceProps) {
  const { user } = useSession();
  const [params, setParams, ready] = useGenerateParams();
  const progress = useGenerationProgress(user.user_id);
  const canvas = useInpaintCanvas();
  const initImage = useImageInfo(params.mode === "txt2img" ? null : (params.initImage?.imageName ?? null));
  const [view, setView] = useState<"canvas" | "gallery">("canvas");
  const { comparison, setComparison, reset } = canvas;
  const canvasImage = params.mode === "inpaint" ? (params.initImage?.imageName ?? null) : null;

  // A new canvas image starts with a fresh mask.
  useEffect(() => reset(), [canvasImage, reset]);
  // The inpaint's result is the first image after the one shown when it was queued, once the item is done.
  useEffect(() => {
    if (comparison && !comparison.after && !progress.running && progress.lastImage && progress.lastImage !== comparison.startedWith) {
      setComparison({ ...comparison, after: progress.lastImage });
    }
  }, [comparison, progress.running, progress.lastImage, setComparison]);

  const inpainting = params.mode === "inpaint";
  return (
    <div className={classes.workspace}>
      {ready ? (
        <GeneratePanel
          board={board}
          noModels={noModels}
          queueSummary={queueSummary}
          params={params}
          setParams={setParams}
          progress={progress}
          canvas={canvas}
          initImage={initImage.data ?? null}
        />
      ) : (
        <div className={classes.panelPlaceholder} aria-busy="true" />
      )}
      <div className={classes.workspaceMain}>
        {inpainting && (
          <SegmentedControl
            size="xs"
            m={6}
            style={{ alignSelf: "flex-start" }}
            aria-label="Show"
            data={[
              { value: "canvas", label: "Canvas" },
              { value: "gallery", label: "Gallery" },
            ]}
            value={view}
            onChange={(v) => setView(v as "canvas" | "gallery")}
          />
        )}
        <div style={{ flex: 1, minHeight: 0 }}>
          {inpainting && view === "canvas" ? <InpaintCanvas state={canvas} image={initImage.data ?? null} /> : gallery}
        </div>
      </div>
    </div>
  );
}
