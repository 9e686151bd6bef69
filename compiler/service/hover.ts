// Hover text: a binding's or input's inferred type, a layer call's output
// type, parameter count and cost (multiply-adds per example, a formula of the
// symbolic dims), a symbolic dim's origin. Markdown, for Monaco and LSP.
import type { GraphNode } from "../graph.ts";
import { typeToString, type TensorType } from "../types.ts";
import { Dim, dimsToString } from "../shapes/dim.ts";
import { textOf, type Analysis } from "./analysis.ts";
import { paramCount } from "./params.ts";
import { contains, identifierAt } from "./positions.ts";
import { framesOf, frameNodes, typeOfStatement, type Frame } from "./frames.ts";
import { occurrenceAt, occurrences } from "./occurrences.ts";
import { blockNamed, declarationOf, enclosingDecl, resolveName, type Decl } from "./scope.ts";

export interface Hover {
  start: number;
  end: number;
  /** Markdown paragraphs. */
  contents: string[];
}

const grouped = (n: number) => n.toLocaleString("en-US");
/** ` · 241,600 MACs per example`, ` · T·24576 MACs per example`; nothing for a layer that multiplies nothing. */
const cost = (macs: Dim) => (macs.value === 0 ? "" : ` · ${macs.value !== undefined ? grouped(macs.value) : macs.toString()} MACs per example`);
/** `f32[28, 28, 6]`, and the batched shape the generated code uses. */
export const describeType = (t: TensorType) => `\`${typeToString(t)}\` per example (batched: \`${dimsToString(t.shape).replace(/^\[/, t.shape.length ? "[batch, " : "[batch")}\`)`;
const where = (f: Frame) => (f.instance ? `in \`${f.instance}\`` : `in model \`${f.model.name}\``);

export function hover(analysis: Analysis, offset: number): Hover | undefined {
  const { source, result } = analysis;
  const word = identifierAt(source, offset);
  const decl = enclosingDecl(result.ast, offset);
  const constant = word && constHover(analysis, word.name, offset);
  if (word && constant) return { start: word.start, end: word.end, contents: constant };
  const block = word && blockHover(analysis, word.name, offset);
  if (word && block) return { start: word.start, end: word.end, contents: block };
  if (word && decl) {
    const named = bindingHover(analysis, decl, word.name, offset);
    if (named) return { start: word.start, end: word.end, contents: named };
    const dim = symbolHover(analysis, decl, word.name);
    if (dim) return { start: word.start, end: word.end, contents: dim };
  }
  return layerHover(analysis, offset);
}

/** A const shows its definition: `const D = 64` (an imported one too, with its file). */
function constHover(analysis: Analysis, name: string, offset: number): string[] | undefined {
  const declared = declarationOf(analysis, analysis.filename, name, offset);
  if (declared?.kind !== "const") return undefined;
  const ast = analysis.result.asts.get(declared.file);
  const scope = [...(ast?.consts ?? []), ...(enclosingDecl(ast, declared.span.start)?.body ?? [])];
  const decl = scope.find((c) => c.kind === "Const" && c.name.span.start === declared.span.start);
  const text = textOf(analysis, declared.file);
  if (!decl || decl.kind !== "Const" || text === undefined) return undefined;
  const from = declared.file === analysis.filename ? "" : ` (from \`${declared.file}\`)`;
  return [`**${name}** — const${from}`, `\`const ${name} = ${text.slice(decl.value.span.start, decl.value.span.end)}\``];
}

/**
 * A block's name where it is declared or imported shows its signature, its
 * inputs as declared and how often this file's models call it (a call shows
 * the instance instead: layerHover).
 */
function blockHover(analysis: Analysis, name: string, offset: number): string[] | undefined {
  const ast = analysis.result.ast;
  const occ = ast && occurrenceAt(occurrences(ast), offset);
  if (!occ || (occ.role !== "declaration" && occ.role !== "import")) return undefined;
  const block = blockNamed(analysis, name, offset);
  if (!block) return undefined;
  const text = (e: { span: { start: number; end: number } }) => block.text.slice(e.span.start, e.span.end);
  const params = block.decl.params.map((p) => (p.default ? `${p.name.name} = ${text(p.default)}` : p.name.name)).join(", ");
  const inputs = block.decl.body.flatMap((st) => (st.kind === "Input" ? [`\`${st.name.name}: ${text(st.type)}\``] : []));
  const calls = analysis.result.models.reduce((n, m) => n + m.instances.filter((i) => i.block === name).length, 0);
  return [
    `**${name}** — block${block.file === analysis.filename ? "" : ` (from \`${block.file}\`)`}`,
    `\`block ${name}(${params})\``,
    `Input${inputs.length === 1 ? "" : "s"}: ${inputs.join(", ") || "none"}. ${calls === 1 ? "1 instance" : `${calls} instances`} in this file's models.`,
  ];
}

function bindingHover(analysis: Analysis, decl: Decl, name: string, offset: number): string[] | undefined {
  const declared = resolveName(analysis, name, offset);
  if (!declared?.statement || declared.kind === "const") return undefined;
  const st = declared.statement;
  const frames = framesOf(analysis, decl);
  const lines = frames.map((f) => {
    const t = typeOfStatement(f, decl, st);
    // A block input of a several-input block is not traced to its argument: its declared type says enough.
    const untyped = st.kind === "Input" ? `declared \`${analysis.source.slice(st.type.span.start, st.type.span.end)}\`` : "no type (it has an error)";
    return `${frames.length > 1 || f.instance ? `${where(f)}: ` : ""}${t ? describeType(t) : untyped}`;
  });
  if (!lines.length && st.kind === "Input") lines.push(`declared \`${analysis.source.slice(st.type.span.start, st.type.span.end)}\` (no instance of this block is checked)`);
  if (!lines.length) lines.push(decl.kind === "Block" ? "no instance of this block is checked" : "no type (the model has errors)");
  return [`**${name}** — ${declared.kind}`, ...lines];
}

function symbolHover(analysis: Analysis, decl: Decl, name: string): string[] | undefined {
  for (const f of framesOf(analysis, decl)) {
    const first = f.model.symbols.get(name);
    if (!first) continue;
    const users = f.model.inputs.filter((i) => i.type.shape.some((d) => d.symbols().has(name))).map((i) => `\`${i.name}: ${typeToString(i.type)}\``);
    return [
      `**${name}** — symbolic size of model \`${f.model.name}\``,
      `Fixed per call, like the batch: \`forward(inputs, { batch, ${name} })\`.`,
      users.length ? `Used by ${users.join(", ")}.` : `First appears at line ${first.line}.`,
    ];
  }
  return undefined;
}

/** The innermost layer call or operator under the cursor, with its type in each frame. */
function layerHover(analysis: Analysis, offset: number): Hover | undefined {
  const decl = enclosingDecl(analysis.result.ast, offset);
  if (!decl) return undefined;
  const hits: { frame: Frame; node: GraphNode }[] = [];
  for (const frame of framesOf(analysis, decl))
    for (const node of frameNodes(frame)) if (node.span.file === analysis.filename && contains(node.span, offset)) hits.push({ frame, node });
  const instance = instanceHover(analysis, decl, offset);
  if (!hits.length) return instance?.hover;
  const width = (h: { node: GraphNode }) => h.node.span.end - h.node.span.start;
  const narrowest = Math.min(...hits.map(width));
  const inner = hits.filter((h) => width(h) === narrowest);
  const span = inner[0]!.node.span;
  if (instance && instance.width < narrowest) return instance.hover;
  // A repeated stage makes several nodes at one span: list each.
  const lines = inner.map(({ frame, node }) => {
    const params = paramCount(node);
    const prefix = inner.length > 1 && frame.instance ? `${where(frame)}: ` : "";
    return `${prefix}\`${node.name}\` → ${describeType(node.output)}${params ? ` · ${grouped(params)} parameters` : ""}${cost(node.macs)}`;
  });
  const def = inner[0]!.node.def;
  return { start: span.start, end: span.end, contents: [`**${def.name}** — ${def.doc}`, ...lines] };
}

/** A block call under the cursor: the instance's output type and total parameters. */
function instanceHover(analysis: Analysis, decl: Decl, offset: number): { hover: Hover; width: number } | undefined {
  let best: { hover: Hover; width: number } | undefined;
  for (const frame of framesOf(analysis, decl)) {
    for (const inst of frame.model.instances) {
      if (inst.instancePath.join(".") !== frame.instance || inst.span.file !== analysis.filename || !contains(inst.span, offset)) continue;
      const width = inst.span.end - inst.span.start;
      if (best && best.width < width) continue;
      const inside = frame.model.nodes.filter((n) => n.instancePath.join(".") === inst.name || n.instancePath.join(".").startsWith(`${inst.name}.`));
      const last = inside[inside.length - 1];
      const params = inside.reduce((a, n) => a + paramCount(n), 0);
      const macs = inside.reduce((a, n) => a.add(n.macs), Dim.const(0));
      const line = `\`${inst.name}\` → ${last ? describeType(last.output) : "no output"} · ${grouped(params)} parameters in ${inside.length} layers${cost(macs)}`;
      if (best && best.width === width) best.hover.contents.push(line);
      else best = { width, hover: { start: inst.span.start, end: inst.span.end, contents: [`**${inst.block}** — block instance`, line] } };
    }
  }
  return best;
}
