// ONNX export (opset 17): a checked model and its parameters as an ONNX
// ModelProto, for inference. Graph inputs and outputs keep the model's names;
// symbolic dims stay symbolic (dim_param) unless specialised. Browser-safe:
// no Node APIs, the protobuf written by onnx-proto (protobufjs).
import { Diagnostics, type Diagnostic } from "../../diagnostics.ts";
import { modelParams, type CheckedModel, type GraphNode, type TensorRef } from "../../graph.ts";
import { Dim } from "../../shapes/dim.ts";
import { specializeProblem } from "../../specialize.ts";
import { smallestDims } from "../../shapes/min-dims.ts";
import type { TensorType } from "../../types.ts";
import type { onnx as Onnx } from "onnx-proto";
import { onnx, OnnxGraph } from "./builder.ts";
import { NotExportable, type LoweringContext } from "./lowering.ts";
import { lowerings } from "./registry.ts";

export const ONNX_OPSET = 17;

export interface OnnxExportOptions {
  /** Sizes baked into the graph's shapes (`batch`, `T`, …); others stay symbolic. */
  specialize?: Record<string, number>;
}

/** Thrown when a model cannot be exported; `diagnostics` locate each layer at fault. */
export class OnnxExportError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => `${d.span.file}:${d.span.line}:${d.span.column}: ${d.code}: ${d.message}`).join("\n"));
    this.name = "OnnxExportError";
  }
}

/** The nodes the outputs depend on, in graph order (the loss and what feeds only it are left out). */
function neededNodes(model: CheckedModel): GraphNode[] {
  const needed = new Set<number>();
  const visit = (ref: TensorRef) => {
    if (ref.kind !== "node" || needed.has(ref.id)) return;
    needed.add(ref.id);
    model.nodes[ref.id]!.inputs.forEach(visit);
  };
  model.outputs.forEach((o) => visit(o.ref));
  return model.nodes.filter((n) => needed.has(n.id));
}

function valueInfo(name: string, type: TensorType, sizes: ReadonlyMap<string, Dim>): Onnx.IValueInfoProto {
  const dims = [Dim.symbol("batch"), ...type.shape].map((d) => d.substitute(sizes));
  return {
    name,
    type: {
      tensorType: {
        elemType: type.dtype === "f32" ? onnx.TensorProto.DataType.FLOAT : onnx.TensorProto.DataType.INT32,
        shape: { dim: dims.map((d) => (d.value !== undefined ? { dimValue: d.value } : { dimParam: d.toString() })) },
      },
    },
  };
}

/**
 * The model as ONNX bytes. `params` holds every parameter by full name in our
 * layouts (a model instance's `params`). Throws OnnxExportError for a layer
 * that has no ONNX lowering, and RangeError for a bad `specialize`.
 */
export function exportOnnx(model: CheckedModel, params: Record<string, Float32Array>, options: OnnxExportOptions = {}): Uint8Array {
  const wrong = specializeProblem(options.specialize, model.symbols.keys());
  if (wrong) throw new RangeError(`exportOnnx: ${wrong}`);
  for (const p of modelParams(model)) {
    const size = p.shape.reduce((a, b) => a * b, 1);
    if (params[p.name]?.length !== size) throw new RangeError(`exportOnnx: parameter ${p.name} needs ${size} values, got ${params[p.name]?.length ?? "none"}`);
  }
  const sizes = new Map(Object.entries(options.specialize ?? {}).map(([k, v]) => [k, Dim.const(v)]));
  // A graph whose fixed sizes leave some axis empty or negative would only fail when run.
  const tooSmall = [...smallestDims(model).values()].filter((d) => (sizes.get(d.symbol)?.value ?? Infinity) < d.min);
  if (tooSmall.length) {
    const entry = Diagnostics.SpecializeTooSmall;
    throw new OnnxExportError(tooSmall.map((d) => ({ code: entry.code, severity: entry.severity, message: entry.message({ symbol: d.symbol, value: sizes.get(d.symbol)!.value!, model: model.name, layer: d.layer, min: d.min }), span: d.span, related: [] })));
  }
  const nodes = neededNodes(model);
  const missing = nodes.filter((n) => !lowerings.has(n.def.name));
  if (missing.length) throw new OnnxExportError(missing.map((n) => unsupported(n, "ONNX export has no lowering for this layer")));

  const g = new OnnxGraph();
  const graphInputs = model.inputs.filter((i) => i.role === "input");
  for (const i of graphInputs) g.reserve(i.name);
  for (const o of model.outputs) g.reserve(o.name);
  const values = new Map<number, string>();
  const valueOf = (ref: TensorRef) => (ref.kind === "input" ? ref.name : values.get(ref.id)!);
  const typeOf = (ref: TensorRef) => (ref.kind === "input" ? model.inputs.find((i) => i.name === ref.name)!.type : model.nodes[ref.id]!.output);
  const errors: Diagnostic[] = [];
  const shared = new Map<string, string>();
  for (const node of nodes) {
    // Below a layer already reported there is nothing to lower: its input has no value.
    if (node.inputs.some((ref) => ref.kind === "node" && !values.has(ref.id))) continue;
    const ctx: LoweringContext = {
      g,
      node,
      inputs: node.inputs.map(valueOf),
      inputTypes: node.inputs.map(typeOf),
      param(local) {
        const full = `${node.name}.${local}`;
        if (!shared.has(full)) shared.set(full, g.floats(full, node.params[local]!, params[full]!));
        return shared.get(full)!;
      },
      paramData: (local) => params[`${node.name}.${local}`]!,
      paramShape: (local) => node.params[local]!,
      staticDim: (d) => d.substitute(sizes).value,
      hint: (what) => `${node.name}/${what}`,
    };
    try {
      values.set(node.id, lowerings.get(node.def.name)!(ctx));
    } catch (e) {
      if (!(e instanceof NotExportable)) throw e;
      errors.push(unsupported(node, e.message));
    }
  }
  if (errors.length) throw new OnnxExportError(errors);
  // An output that is an input under its own name is already a value of the graph.
  for (const o of model.outputs) if (valueOf(o.ref) !== o.name) g.identityTo(o.name, valueOf(o.ref));

  const graph: Onnx.IGraphProto = {
    name: model.name,
    node: g.nodes,
    initializer: g.initializers,
    input: graphInputs.map((i) => valueInfo(i.name, i.type, sizes)),
    output: model.outputs.map((o) => valueInfo(o.name, o.type, sizes)),
  };
  const proto: Onnx.IModelProto = { irVersion: 8, producerName: "nnc", opsetImport: [{ domain: "", version: ONNX_OPSET }], graph };
  return onnx.ModelProto.encode(proto).finish();
}

function unsupported(node: GraphNode, why: string): Diagnostic {
  const entry = Diagnostics.ExportUnsupported;
  return { code: entry.code, severity: entry.severity, message: entry.message({ layer: node.name, kind: node.def.name, format: "ONNX", why }), span: node.span, related: [] };
}
