/** "Upscale" in the viewer: InvokeAI's upscaling graph (tests/fixtures/invokeai_graphs/upscale.json),
 * one spandrel_image_to_image node whose result is saved next to the original (its board). */
import { GraphBuilder, identifierOf, type EnqueueBatchBody, type ModelIdentifier } from "./graph-builder";

export const UPSCALE_NODE_IDS = { upscale: "spandrel_image_to_image", metadata: "core_metadata" } as const;

interface UpscaleRequest {
  imageName: string;
  model: ModelIdentifier;
  /** The original's board; null: Uncategorized. */
  boardId: string | null;
  /** Tiles keep memory bounded on large images (InvokeAI's default is 512). */
  tileSize?: number;
}

export function buildUpscaleBody({ imageName, model, boardId, tileSize = 512 }: UpscaleRequest): EnqueueBatchBody {
  if (model.type !== "spandrel_image_to_image") throw new Error(`buildUpscaleBody: ${model.name} is not an upscaler`);
  const g = new GraphBuilder();
  const upscale = g.add(UPSCALE_NODE_IDS.upscale, "spandrel_image_to_image", {
    image: { image_name: imageName },
    image_to_image_model: identifierOf(model),
    tile_size: tileSize,
    is_intermediate: false,
    use_cache: false,
    ...(boardId ? { board: { board_id: boardId } } : {}),
  });
  const metadata = g.add(UPSCALE_NODE_IDS.metadata, "core_metadata", {
    upscale_model: identifierOf(model),
    upscale_initial_image: { image_name: imageName },
  });
  g.connect(metadata, "metadata", upscale, "metadata");
  return {
    batch: { graph: { id: "upscale_graph", nodes: g.nodes, edges: g.edges }, runs: 1, origin: "upscaling", destination: "gallery" },
    prepend: false,
  };
}
