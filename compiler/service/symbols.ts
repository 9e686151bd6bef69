// Document symbols, for an editor's outline and "go to symbol": imports,
// consts, blocks and models; inside each, its inputs, targets, bindings and
// outputs (with their inferred types), and under each of those the layers
// and block instances it writes (`conv2d_1`, `head`, `encoder_layer_1`).
import type * as A from "../../grammar/ast.ts";
import type { Span } from "../../grammar/source.ts";
import { typeToString } from "../types.ts";
import type { Analysis } from "./analysis.ts";
import { framesOf, frameNodes, typeOfStatement, type Frame } from "./frames.ts";
import type { Decl } from "./scope.ts";

export interface DocumentSymbol {
  name: string;
  kind: "import" | "const" | "block" | "model" | "input" | "target" | "binding" | "output" | "loss" | "layer" | "instance";
  detail: string;
  /** The whole declaration. */
  span: Span;
  /** Its name. */
  selection: Span;
  children: DocumentSymbol[];
}

const inside = (outer: Span, inner: Span) => inner.file === outer.file && outer.start <= inner.start && inner.end <= outer.end;

/** The layers and block instances a statement writes, in one evaluation of its body (a model's own, or a block's first instance). */
function layersOf(frame: Frame | undefined, statement: Span): DocumentSymbol[] {
  if (!frame) return [];
  const nodes = frameNodes(frame)
    .filter((n) => inside(statement, n.span))
    .map((n): DocumentSymbol => ({ name: n.name.slice(frame.instance ? frame.instance.length + 1 : 0), kind: "layer", detail: `${n.def.name} → ${typeToString(n.output)}`, span: n.span, selection: n.span, children: [] }));
  const instances = frame.model.instances
    .filter((i) => i.instancePath.join(".") === frame.instance && inside(statement, i.span))
    .map((i): DocumentSymbol => ({ name: i.name.slice(frame.instance ? frame.instance.length + 1 : 0), kind: "instance", detail: i.block, span: i.span, selection: i.span, children: [] }));
  return [...nodes, ...instances].sort((a, b) => a.span.start - b.span.start);
}

function statementSymbol(analysis: Analysis, decl: Decl, frame: Frame | undefined, st: A.Statement): DocumentSymbol | undefined {
  const typeText = () => {
    const t = frame && typeOfStatement(frame, decl, st);
    return t ? typeToString(t) : "";
  };
  switch (st.kind) {
    case "Input":
      return { name: st.name.name, kind: st.role, detail: analysis.source.slice(st.type.span.start, st.type.span.end), span: st.span, selection: st.name.span, children: [] };
    case "Binding":
      return { name: st.name.name, kind: "binding", detail: typeText(), span: st.span, selection: st.name.span, children: layersOf(frame, st.span) };
    case "Output":
      return { name: st.name.name, kind: "output", detail: st.value ? typeText() : "output", span: st.span, selection: st.name.span, children: st.value ? layersOf(frame, st.span) : [] };
    case "Loss":
      return { name: "loss", kind: "loss", detail: analysis.source.slice(st.call.span.start, st.call.span.end), span: st.span, selection: st.call.span, children: [] };
    case "Const":
      return { name: st.name.name, kind: "const", detail: analysis.source.slice(st.value.span.start, st.value.span.end), span: st.span, selection: st.name.span, children: [] };
    case "Generate":
      return undefined;
  }
}

export function documentSymbols(analysis: Analysis): DocumentSymbol[] {
  const ast = analysis.result.ast;
  if (!ast) return [];
  const body = (decl: Decl) => {
    const frame = framesOf(analysis, decl)[0];
    return decl.body.flatMap((st) => statementSymbol(analysis, decl, frame, st) ?? []);
  };
  const out: DocumentSymbol[] = [
    ...ast.imports.flatMap((i) => i.names.map((n): DocumentSymbol => ({ name: n.name, kind: "import", detail: `from "${i.path}"`, span: i.span, selection: n.span, children: [] }))),
    ...ast.consts.map((c): DocumentSymbol => ({ name: c.name.name, kind: "const", detail: analysis.source.slice(c.value.span.start, c.value.span.end), span: c.span, selection: c.name.span, children: [] })),
    ...ast.blocks.map((b): DocumentSymbol => ({ name: b.name.name, kind: "block", detail: `block(${b.params.map((p) => p.name.name).join(", ")})`, span: b.span, selection: b.name.span, children: body(b) })),
    ...ast.models.map((m): DocumentSymbol => ({ name: m.name.name, kind: "model", detail: "model", span: m.span, selection: m.name.span, children: body(m) })),
  ];
  return out.sort((a, b) => a.span.start - b.span.start);
}
