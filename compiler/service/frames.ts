// The inferred types of a body's bindings. A model's body is evaluated
// once; a block's once per instance, so it has one type per instance: each
// evaluation is a frame, and a binding's type is read from the checked
// model's nodes written at its value's span in that frame.
import type * as A from "../../grammar/ast.ts";
import type { CheckedModel, GraphNode } from "../graph.ts";
import type { Span } from "../../grammar/source.ts";
import type { TensorType } from "../types.ts";
import type { Analysis } from "./analysis.ts";
import type { Decl } from "./scope.ts";

/** One evaluation of a body: the model itself, or one block instance inside a model. */
export interface Frame {
  model: CheckedModel;
  /** The instance's full name; "" for the model's own body. */
  instance: string;
}

/** Every evaluation of `decl`: one for a model, one per instance for a block. */
export function framesOf(analysis: Analysis, decl: Decl): Frame[] {
  if (decl.kind === "Model") {
    const model = analysis.result.models.find((m) => m.name === decl.name.name && m.span.start === decl.span.start);
    return model ? [{ model, instance: "" }] : [];
  }
  return analysis.result.models.flatMap((model) => model.instances.filter((i) => i.block === decl.name.name).map((i) => ({ model, instance: i.name })));
}

const sameSpan = (a: Span, b: Span) => a.file === b.file && a.start === b.start && a.end === b.end;
export const pathOf = (n: GraphNode) => n.instancePath.join(".");

/** The nodes evaluated directly in this frame (not in nested instances). */
export function frameNodes(frame: Frame): GraphNode[] {
  return frame.model.nodes.filter((n) => pathOf(n) === frame.instance);
}

/** The last node produced by the call or operator written at `span` in this frame (a repeated stage: its last copy). */
export function nodeAt(frame: Frame, span: Span): GraphNode | undefined {
  const direct = frameNodes(frame).filter((n) => sameSpan(n.span, span)).pop();
  if (direct) return direct;
  // A block call: the instance's output is its last node.
  const inst = frame.model.instances.filter((i) => i.instancePath.join(".") === frame.instance && sameSpan(i.span, span)).pop();
  if (!inst) return undefined;
  return frame.model.nodes.filter((n) => pathOf(n) === inst.name || pathOf(n).startsWith(`${inst.name}.`)).pop();
}

/** The inferred type of an expression in a frame, when it is a tensor the checker typed. */
export function typeOfExpr(frame: Frame, decl: Decl, e: A.Expr, depth = 0): TensorType | undefined {
  if (depth > 64) return undefined;
  switch (e.kind) {
    case "Name": {
      const st = decl.body.find((s) => (s.kind === "Binding" || s.kind === "Input" || (s.kind === "Output" && s.value)) && s.name.name === e.name && s.span.start < e.span.start);
      return st && typeOfStatement(frame, decl, st, depth + 1);
    }
    case "Pipeline":
      return e.stages.length ? nodeAt(frame, e.stages[e.stages.length - 1]!.span)?.output : typeOfExpr(frame, decl, e.head, depth + 1);
    case "Call":
    case "Binary":
    case "Unary":
      return nodeAt(frame, e.span)?.output;
    default:
      return undefined;
  }
}

/**
 * A block input's type in one instance: the tensor the instance reads from
 * outside itself. Only a one-input block makes that unambiguous; otherwise
 * undefined (hover then shows the declared type).
 */
function inputTypeInInstance(frame: Frame, decl: Decl): TensorType | undefined {
  if (decl.body.filter((s) => s.kind === "Input").length !== 1) return undefined;
  const inInstance = (n: GraphNode) => pathOf(n) === frame.instance || pathOf(n).startsWith(`${frame.instance}.`);
  const inside = new Set(frame.model.nodes.filter(inInstance).map((n) => n.id));
  for (const n of frame.model.nodes) {
    if (!inside.has(n.id)) continue;
    const ref = n.inputs.find((r) => r.kind === "input" || !inside.has(r.id));
    if (ref) return ref.kind === "input" ? frame.model.inputs.find((i) => i.name === ref.name)?.type : frame.model.nodes[ref.id]?.output;
  }
  return undefined;
}

/** The type of what a statement declares: an input, a binding or an output with a value. */
export function typeOfStatement(frame: Frame, decl: Decl, st: A.Statement, depth = 0): TensorType | undefined {
  if (st.kind === "Input") return frame.instance === "" ? frame.model.inputs.find((i) => i.name === st.name.name)?.type : inputTypeInInstance(frame, decl);
  if (st.kind === "Binding") return typeOfExpr(frame, decl, st.value, depth);
  if (st.kind === "Output" && st.value) return typeOfExpr(frame, decl, st.value, depth);
  return undefined;
}
