// `nnc summary`: a Keras-style table per model. Costs are formulas of the
// symbolic dims, so a user sees what a longer sequence costs before running.
import type { CheckedModel, GraphNode } from "./graph.ts";
import { modelParams } from "./graph.ts";
import { Dim, dimsToString, product } from "./shapes/dim.ts";
import { smallestDims } from "./shapes/min-dims.ts";
import type { TensorType } from "./types.ts";

export interface SummaryRow {
  name: string;
  kind: string;
  shape: string;
  params: number;
  macs: Dim;
  activations: Dim;
  /** Nesting depth inside block instances (0 at model level). */
  depth: number;
}

export interface ModelSummary {
  model: string;
  rows: SummaryRow[];
  totalParams: number;
  totalMacs: Dim;
  totalActivations: Dim;
  loss?: string;
  /** `prev from logits (start 1, stop 2)` for a model that declares `generate`. */
  generate?: string;
  /** Each symbol whose smallest legal value exceeds 1, with it and the layer that needs it (shapes/min-dims.ts). */
  smallest: { symbol: string; min: number; layer: string }[];
}

const batchShape = (t: TensorType) => dimsToString(t.shape).replace(/^\[/, t.shape.length ? "[batch, " : "[batch");

function paramCount(n: GraphNode): number {
  return Object.values(n.params).reduce((acc, shape) => acc + shape.reduce((a, b) => a * b, 1), 0);
}

export function summarize(model: CheckedModel): ModelSummary {
  const rows: SummaryRow[] = [];
  for (const i of model.inputs) rows.push({ name: i.name, kind: i.role, shape: batchShape(i.type), params: 0, macs: Dim.const(0), activations: product(i.type.shape), depth: 0 });
  // Block instances open a collapsed subtotal row before their layers.
  const instanceRow = new Map<string, SummaryRow>();
  for (const n of model.nodes) {
    if (n.def.isLoss) continue;
    for (let d = 0; d < n.instancePath.length; d++) {
      const key = n.instancePath.slice(0, d + 1).join(".");
      if (!instanceRow.has(key)) {
        const inst = model.instances.find((x) => x.name === key);
        const row: SummaryRow = { name: key, kind: inst ? inst.block : "block", shape: "", params: 0, macs: Dim.const(0), activations: Dim.const(0), depth: d };
        instanceRow.set(key, row);
        rows.push(row);
      }
    }
    const act = product(n.output.shape);
    const row: SummaryRow = { name: n.name, kind: n.def.name, shape: batchShape(n.output), params: paramCount(n), macs: n.macs, activations: act, depth: n.instancePath.length };
    rows.push(row);
    for (let d = 0; d < n.instancePath.length; d++) {
      const agg = instanceRow.get(n.instancePath.slice(0, d + 1).join("."))!;
      agg.params += row.params;
      agg.macs = agg.macs.add(row.macs);
      agg.activations = agg.activations.add(act);
      agg.shape = row.shape; // the instance's output: its last layer's
    }
  }
  const layerRows = rows.filter((r) => r.depth === 0 || !instanceRow.has(r.name));
  const summary: ModelSummary = {
    model: model.name,
    rows,
    totalParams: modelParams(model).reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0),
    totalMacs: layerRows.filter((r) => !instanceRow.has(r.name)).reduce((a, r) => a.add(r.macs), Dim.const(0)),
    totalActivations: layerRows.filter((r) => !instanceRow.has(r.name)).reduce((a, r) => a.add(r.activations), Dim.const(0)),
    smallest: [...smallestDims(model).values()].map(({ symbol, min, layer }) => ({ symbol, min, layer })),
  };
  const g = model.generate;
  if (g) summary.generate = `${g.feed} from ${g.source} (start ${g.start}${g.stop !== undefined ? `, stop ${g.stop}` : ""}, ${g.steps} steps)`;
  if (model.loss) summary.loss = `${model.loss.def.name}(${model.loss.inputs.map((r) => (r.kind === "input" ? r.name : model.nodes[r.id]!.name)).join(", ")})`;
  return summary;
}

const grouped = (n: number) => n.toLocaleString("en-US");
const formula = (d: Dim) => (d.value !== undefined ? grouped(d.value) : d.toString());

/** The summary as a plain-text table. */
export function formatSummary(s: ModelSummary, file?: string): string {
  const header = ["Layer", "Kind", "Output shape", "Params", "MACs/example", "Activations"];
  const body = s.rows.map((r) => [`${"  ".repeat(r.depth)}${r.name}`, r.kind, r.shape, grouped(r.params), formula(r.macs), formula(r.activations)]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const right = [false, false, false, true, true, true];
  const line = (cells: string[]) => cells.map((cell, c) => (right[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  ").trimEnd();
  const rule = "─".repeat(widths.reduce((a, b) => a + b + 2, -2));
  const out = [`Model ${s.model}${file ? ` (${file})` : ""}`, rule, line(header), rule, ...body.map(line), rule];
  out.push(`Total params: ${grouped(s.totalParams)} (${(s.totalParams * 4 / 1024).toFixed(1)} KiB as f32)`);
  out.push(`MACs per example: ${formula(s.totalMacs)}`);
  out.push(`Activation floats per example: ${formula(s.totalActivations)}`);
  if (s.loss) out.push(`Loss: ${s.loss}`);
  if (s.generate) out.push(`Generate: ${s.generate}`);
  for (const m of s.smallest) out.push(`Smallest ${m.symbol}: ${m.min} (${m.layer})`);
  return out.join("\n");
}
