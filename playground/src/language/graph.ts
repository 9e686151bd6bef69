// The graph view's data, drawn from a checked model: one box per input and
// layer (kind, output shape, parameter count), edges for data flow (a
// residual is a second edge into `add`, cross-attention a second into
// `attention`), and block instances as nested groups that can be collapsed.
import type { CheckedModel } from "../../../compiler/graph.ts";
import { typeToString } from "../../../compiler/types.ts";
import { paramCount } from "../../../compiler/service/params.ts";

export interface GraphBox {
  id: string;
  /** The layer's full name (`encoder_layer_1.dense_1`) or the input's name. */
  name: string;
  /** Layer kind, `input`, `target`, or a block's name for a collapsed instance. */
  kind: string;
  shape: string;
  params: number;
  /** The innermost block instance holding it. */
  group?: string;
  /** Source offsets to select when the box is clicked. */
  start: number;
  end: number;
  output?: boolean;
}

export interface GraphGroup {
  id: string;
  block: string;
  parent?: string;
  start: number;
  end: number;
}

export interface ModelGraph {
  model: string;
  boxes: GraphBox[];
  edges: { from: string; to: string }[];
  groups: GraphGroup[];
}

export function modelGraph(model: CheckedModel, filename: string): ModelGraph {
  // Layers from imported files have no place in this file: they select their instance's call.
  const local = (span: { file: string; start: number; end: number }, fallback: { start: number; end: number }) => (span.file === filename ? span : fallback);
  const groups: GraphGroup[] = model.instances.map((i) => ({
    id: `group:${i.name}`,
    block: i.block,
    ...(i.instancePath.length ? { parent: `group:${i.instancePath.join(".")}` } : {}),
    ...pick(local(i.span, model.span)),
  }));
  const groupSpan = new Map(groups.map((g) => [g.id, g]));
  const outputs = new Set(model.outputs.map((o) => (o.ref.kind === "node" ? `node:${o.ref.id}` : `input:${o.ref.name}`)));
  const boxes: GraphBox[] = model.inputs.map((i) => ({ id: `input:${i.name}`, name: i.name, kind: i.role, shape: typeToString(i.type), params: 0, ...pick(local(i.span, model.span)) }));
  for (const n of model.nodes) {
    const group = n.instancePath.length ? `group:${n.instancePath.join(".")}` : undefined;
    boxes.push({
      id: `node:${n.id}`,
      name: n.name,
      kind: n.def.name,
      shape: n.def.isLoss ? "loss" : typeToString(n.output),
      params: paramCount(n),
      ...(group ? { group } : {}),
      ...pick(local(n.span, group ? groupSpan.get(group)! : model.span)),
    });
  }
  for (const b of boxes) if (outputs.has(b.id)) b.output = true;
  const edges = model.nodes.flatMap((n) => n.inputs.map((r) => ({ from: r.kind === "input" ? `input:${r.name}` : `node:${r.id}`, to: `node:${n.id}` })));
  return { model: model.name, boxes, edges, groups };
}

const pick = (s: { start: number; end: number }) => ({ start: s.start, end: s.end });

/**
 * The graph with some groups collapsed: each collapsed instance becomes one
 * box (its block's name, its last layer's shape, its total parameters), and
 * edges into or out of it attach to that box; edges inside it vanish.
 */
export function collapse(graph: ModelGraph, collapsed: ReadonlySet<string>): ModelGraph {
  const groupById = new Map(graph.groups.map((g) => [g.id, g]));
  // The outermost collapsed group holding a group (itself included), if any.
  const collapsedAncestor = (groupId: string | undefined): string | undefined => {
    let found: string | undefined;
    for (let g = groupId; g; g = groupById.get(g)?.parent) if (collapsed.has(g)) found = g;
    return found;
  };
  const rep = new Map<string, string>();
  const summaries = new Map<string, GraphBox>();
  const boxes: GraphBox[] = [];
  for (const b of graph.boxes) {
    const top = collapsedAncestor(b.group);
    if (!top) {
      boxes.push(b);
      rep.set(b.id, b.id);
      continue;
    }
    rep.set(b.id, top);
    let s = summaries.get(top);
    if (!s) {
      const g = groupById.get(top)!;
      s = { id: top, name: top.slice("group:".length), kind: g.block, shape: b.shape, params: 0, start: g.start, end: g.end, ...(g.parent ? { group: g.parent } : {}) };
      summaries.set(top, s);
      boxes.push(s);
    }
    s.params += b.params;
    s.shape = b.shape; // an instance's output is its last layer's
    if (b.output) s.output = true;
  }
  const seen = new Set<string>();
  const edges = graph.edges
    .map((e) => ({ from: rep.get(e.from)!, to: rep.get(e.to)! }))
    .filter((e) => e.from !== e.to && !seen.has(`${e.from}>${e.to}`) && seen.add(`${e.from}>${e.to}`));
  const hidden = (g: GraphGroup) => collapsedAncestor(g.id) !== undefined;
  return { model: graph.model, boxes, edges, groups: graph.groups.filter((g) => !hidden(g)) };
}
