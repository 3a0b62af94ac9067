/** The enqueue_batch request for the Generate panel: a graph of one `sd_text_to_image` node
 * ("gen"), and the run's seeds as batch data (one queue item per seed). */
import type { GenerateParams } from "./params";

export const GEN_NODE_ID = "gen";
export const ORIGIN = "generate";
export const DESTINATION = "gallery";

export interface EnqueueBatchBody {
  batch: {
    graph: { id: string; nodes: Record<string, Record<string, unknown>>; edges: [] };
    runs: number;
    data?: { node_path: string; field_name: string; items: number[] }[][];
    origin: string;
    destination: string;
  };
  prepend: boolean;
}

/** `boardId` null saves to Uncategorized; `seeds` has one entry per image (see seeds.ts). */
export function buildEnqueueBody(params: GenerateParams, boardId: string | null, seeds: readonly number[]): EnqueueBatchBody {
  if (!params.modelKey) throw new Error("buildEnqueueBody: no model chosen");
  if (seeds.length === 0) throw new Error("buildEnqueueBody: no seeds");
  const node: Record<string, unknown> = {
    id: GEN_NODE_ID,
    type: "sd_text_to_image",
    model: params.modelKey,
    prompt: params.prompt,
    negative_prompt: params.negativePrompt,
    width: params.width,
    height: params.height,
    steps: params.steps,
    cfg_scale: params.cfgScale,
    scheduler: params.scheduler,
    seed: seeds[0],
  };
  if (boardId) node.board = { board_id: boardId };
  const batch: EnqueueBatchBody["batch"] = {
    graph: { id: "generate", nodes: { [GEN_NODE_ID]: node }, edges: [] },
    runs: 1,
    origin: ORIGIN,
    destination: DESTINATION,
  };
  if (seeds.length > 1) batch.data = [[{ node_path: GEN_NODE_ID, field_name: "seed", items: [...seeds] }]];
  return { batch, prepend: false };
}
