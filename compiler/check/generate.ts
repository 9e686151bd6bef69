// `generate`: which layers let a decoded step see later steps. Decoding runs
// the model once per step with the sequence so far, so step t of the scores
// may depend only on steps ≤ t of the fed-back input.
import { refType, type CheckedModel, type GraphNode, type TensorRef } from "../graph.ts";

/** The first layer on a path from `feed` to `source` that is not causal, if any. */
export function firstLookahead(model: CheckedModel, source: TensorRef, feed: string): GraphNode | undefined {
  const fed = new Set<number>();
  const dependsOnFeed = (r: TensorRef) => (r.kind === "input" ? r.name === feed : fed.has(r.id));
  // Nodes are in evaluation order, so inputs come before their consumers.
  for (const node of model.nodes) if (node.inputs.some(dependsOnFeed)) fed.add(node.id);
  const needed = new Set<number>();
  const visit = (r: TensorRef) => {
    if (r.kind === "input" || needed.has(r.id)) return;
    needed.add(r.id);
    model.nodes[r.id]!.inputs.forEach(visit);
  };
  visit(source);
  return model.nodes.find((node) => {
    if (!needed.has(node.id) || !fed.has(node.id)) return false;
    const query = { options: node.options, inputs: node.inputs.map((r) => refType(model, r)), output: node.output, dependent: node.inputs.map(dependsOnFeed) };
    return !node.def.causal?.(query);
  });
}
