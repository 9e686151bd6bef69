// Completion: inside a layer call's parentheses, the options it has not been
// given yet (with defaults); elsewhere, layer names, blocks and the names in
// scope before the cursor; at the start of a statement, keywords too.
import { layers } from "../../../compiler/layers/registry.ts";
import type { OptionSpec, OptionValue } from "../../../compiler/layers/layer.ts";
import type { Analysis } from "./analysis.ts";
import { KEYWORDS } from "./keywords.ts";
import { contains } from "./positions.ts";
import { enclosingDecl, fileNames, localNames } from "./scope.ts";

export interface CompletionItem {
  label: string;
  kind: "layer" | "option" | "name" | "block" | "keyword" | "const";
  /** Shown beside the label: an option's default, a name's kind. */
  detail: string;
  documentation?: string;
  insertText: string;
}


const showValue = (v: OptionValue) => (Array.isArray(v) ? `(${v.join(", ")})` : String(v));
const optionDetail = (o: OptionSpec) => (o.default !== undefined ? `= ${showValue(o.default)}` : o.optional ? "optional" : "required");

/** The top-level comma-separated arguments of a call's text so far (the last one, being typed, excluded). */
function finishedArgs(inside: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inside.length; i++) {
    const c = inside[i];
    if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") depth--;
    else if (c === "," && depth === 0) {
      out.push(inside.slice(start, i).trim());
      start = i + 1;
    }
  }
  return out;
}

/**
 * The callee of the innermost unclosed `(` before `offset`, the option names
 * already written in it (`key: value`), and its finished positional arguments.
 */
export function openCall(text: string, offset: number): { callee: string; given: string[]; positional: string[] } | undefined {
  let depth = 0;
  for (let i = offset - 1; i >= 0; i--) {
    const c = text[i];
    if (c === ")") depth++;
    else if (c === "(") {
      if (depth > 0) {
        depth--;
        continue;
      }
      const callee = /([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(text.slice(0, i))?.[1];
      if (!callee) return undefined;
      const inside = text.slice(i + 1, offset);
      const args = finishedArgs(inside);
      return { callee, given: [...inside.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*:/g)].map((m) => m[1]!), positional: args.filter((a) => !/^[A-Za-z_][A-Za-z0-9_]*\s*:/.test(a)) };
    } else if (c === "{" || c === "}" || (c === "\n" && /^\s*(input|target|output|loss|const)\b/.test(text.slice(i + 1)))) return undefined;
  }
  return undefined;
}

export function complete(analysis: Analysis, offset: number): CompletionItem[] {
  const { source, result } = analysis;
  const decl = enclosingDecl(result.ast, offset);
  const inScope: CompletionItem[] = [
    // Names defined above the cursor, not the one being defined here.
    ...(decl ? localNames(decl).filter((d) => d.span.start < offset && !(d.statement && contains(d.statement.span, offset))) : []).map((d): CompletionItem => ({ label: d.name, kind: d.kind === "const" || d.kind === "parameter" ? "const" : "name", detail: d.kind, insertText: d.name })),
    ...fileNames(result.ast)
      .filter((d) => d.kind !== "model")
      .map((d): CompletionItem => ({ label: d.name, kind: d.kind === "block" ? "block" : "const", detail: d.kind, insertText: d.name })),
  ];
  const call = openCall(source, offset);
  const def = call && layers.get(call.callee);
  if (def) {
    // Leading positional arguments that name tensors are inputs; the rest fill positional options in order.
    const tensors = new Set(inScope.filter((i) => i.kind === "name").map((i) => i.label));
    const positionalOptions = call.positional.filter((a) => !tensors.has(a)).length;
    const filled = def.options.filter((o) => o.positional !== false).slice(0, positionalOptions).map((o) => o.name);
    const options = def.options
      .filter((o) => !call.given.includes(o.name) && !filled.includes(o.name))
      .map((o): CompletionItem => ({ label: o.name, kind: "option", detail: optionDetail(o), documentation: o.doc ?? `option of ${def.name}`, insertText: `${o.name}: ` }));
    return [...options, ...inScope];
  }
  const block = call && result.ast?.blocks.find((b) => b.name.name === call.callee);
  if (block) {
    const params = block.params.filter((p) => !call.given.includes(p.name.name)).map((p): CompletionItem => ({ label: p.name.name, kind: "option", detail: p.default ? `= ${source.slice(p.default.span.start, p.default.span.end)}` : "required", insertText: `${p.name.name}: ` }));
    return [...params, ...inScope];
  }
  const layerItems = [...layers.values()].map((l): CompletionItem => ({ label: l.name, kind: "layer", detail: l.isLoss ? "loss" : "layer", documentation: l.doc, insertText: l.name }));
  const lineStart = source.lastIndexOf("\n", offset - 1) + 1;
  const atStatementStart = /^\s*[A-Za-z_]*$/.test(source.slice(lineStart, offset));
  const keywords = atStatementStart ? KEYWORDS.map((k): CompletionItem => ({ label: k, kind: "keyword", detail: "keyword", insertText: k })) : [];
  return [...inScope, ...layerItems, ...keywords];
}
