/** The pieces every InvokeAI-shaped graph here is made of: model identifiers, nodes, edges and the
 * enqueue_batch body around them. */

/** InvokeAI's `ModelIdentifierField`. */
export interface ModelIdentifier {
  key: string;
  hash: string;
  name: string;
  base: string;
  type: string;
}

export const identifierOf = ({ key, hash, name, base, type }: ModelIdentifier): ModelIdentifier => ({
  key,
  hash,
  name,
  base,
  type,
});

export type GraphNode = { id: string; type: string } & Record<string, unknown>;

export interface GraphEdge {
  source: { node_id: string; field: string };
  destination: { node_id: string; field: string };
}

export interface BatchDatum {
  node_path: string;
  field_name: string;
  items: number[];
}

export interface EnqueueBatchBody {
  batch: {
    graph: { id: string; nodes: Record<string, GraphNode>; edges: GraphEdge[] };
    runs: number;
    data?: BatchDatum[][];
    origin: string;
    destination: string;
  };
  prepend: boolean;
}

export class GraphBuilder {
  readonly nodes: Record<string, GraphNode> = {};
  readonly edges: GraphEdge[] = [];

  add(id: string, type: string, fields: Record<string, unknown> = {}): string {
    this.nodes[id] = { id, type, ...fields };
    return id;
  }

  connect(source: string, sourceField: string, destination: string, destinationField: string): void {
    this.edges.push({
      source: { node_id: source, field: sourceField },
      destination: { node_id: destination, field: destinationField },
    });
  }
}
