// Completion: inside a layer call's parentheses, the options it has not been
// given yet (with their types and defaults); after `->`, layers and blocks;
// after `loss`, the losses; elsewhere, the names in scope before the cursor,
// layers and blocks, and at the start of a statement, keywords too.
import { layers } from "../layers/registry.ts";
import type { Analysis } from "./analysis.ts";
import { KEYWORDS } from "./keywords.ts";
import { optionDetail } from "./options.ts";
import { contains } from "./positions.ts";
import { blockNamed, enclosingDecl, fileNames, followImports, localNames } from "./scope.ts";

export interface CompletionItem {
  label: string;
  kind: "layer" | "option" | "name" | "block" | "keyword" | "const";
  /** Shown beside the label: an option's type and default, a name's kind. */
  detail: string;
  documentation?: string;
  insertText: string;
}

/** The top-level comma-separated arguments of a call's text so far (the last one, being typed, excluded). */
function splitArgs(inside: string): { finished: string[]; current: string } {
  const finished: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inside.length; i++) {
    const c = inside[i];
    if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") depth--;
    else if (c === "," && depth === 0) {
      finished.push(inside.slice(start, i).trim());
      start = i + 1;
    }
  }
  return { finished, current: inside.slice(start).trim() };
}

const KEY = /^([\p{L}_][\p{L}\p{Nd}_]*)\s*:/u;

export interface OpenCall {
  callee: string;
  /** Option names already written (`key: value`), the one being typed included. */
  given: string[];
  /** The finished positional arguments. */
  positional: string[];
  /** The text of the argument being typed. */
  current: string;
}

/** The innermost unclosed `(` before `offset`: its callee, the options already given and its finished positional arguments. */
export function openCall(text: string, offset: number): OpenCall | undefined {
  let depth = 0;
  for (let i = offset - 1; i >= 0; i--) {
    const c = text[i];
    if (c === ")") depth++;
    else if (c === "(") {
      if (depth > 0) {
        depth--;
        continue;
      }
      const callee = /([\p{L}_][\p{L}\p{Nd}_]*)\s*$/u.exec(text.slice(0, i))?.[1];
      if (!callee) return undefined;
      const inside = text.slice(i + 1, offset);
      const { finished, current } = splitArgs(inside);
      return { callee, given: [...inside.matchAll(/([\p{L}_][\p{L}\p{Nd}_]*)\s*:/gu)].map((m) => m[1]!), positional: finished.filter((a) => !KEY.test(a)), current };
    } else if (c === "{" || c === "}" || (c === "\n" && /^\s*(input|target|output|loss|const)\b/.test(text.slice(i + 1)))) return undefined;
  }
  return undefined;
}

/** The option a call's next positional argument fills: leading arguments that name tensors are inputs, the rest fill positional options in order. */
export function positionalOptionsFilled(call: OpenCall, tensors: ReadonlySet<string>): number {
  return call.positional.filter((a) => !tensors.has(a)).length;
}

export function complete(analysis: Analysis, offset: number): CompletionItem[] {
  const { source, result } = analysis;
  const decl = enclosingDecl(result.ast, offset);
  const locals = decl ? localNames(decl).filter((d) => d.span.start < offset && !(d.statement && contains(d.statement.span, offset))) : [];
  // Imported names are blocks or consts: which one, their declaration says.
  const files = fileNames(result.ast)
    .filter((d) => d.kind !== "model")
    .map((d) => ({ d, kind: d.kind === "import" ? followImports(analysis, analysis.filename, d).kind : d.kind }));
  const inScope: CompletionItem[] = [
    // Names defined above the cursor, not the one being defined here.
    ...locals.map((d): CompletionItem => ({ label: d.name, kind: d.kind === "const" || d.kind === "parameter" ? "const" : "name", detail: d.kind, insertText: d.name })),
    ...files.map(({ d, kind }): CompletionItem => ({ label: d.name, kind: kind === "block" ? "block" : "const", detail: d.kind === "import" ? `imported ${kind === "import" ? "name" : kind}` : d.kind, insertText: d.name })),
  ];
  const blocks = inScope.filter((i) => i.kind === "block");
  const layerItem = (l: { name: string; doc: string; isLoss?: boolean }): CompletionItem => ({ label: l.name, kind: "layer", detail: l.isLoss ? "loss" : "layer", documentation: l.doc, insertText: l.name });
  const call = openCall(source, offset);
  const def = call && layers.get(call.callee);
  if (def) {
    const tensors = new Set(inScope.filter((i) => i.kind === "name").map((i) => i.label));
    const filled = def.options.filter((o) => o.positional !== false).slice(0, positionalOptionsFilled(call, tensors)).map((o) => o.name);
    const options = def.options
      .filter((o) => !call.given.includes(o.name) && !filled.includes(o.name))
      .map((o): CompletionItem => ({ label: o.name, kind: "option", detail: optionDetail(o), documentation: o.doc ?? `option of ${def.name}`, insertText: `${o.name}: ` }));
    return [...options, ...inScope];
  }
  const block = call && blockNamed(analysis, call.callee, offset);
  if (block) {
    const tensors = new Set(inScope.filter((i) => i.kind === "name").map((i) => i.label));
    const filled = block.decl.params.slice(0, positionalOptionsFilled(call, tensors)).map((p) => p.name.name);
    const params = block.decl.params.filter((p) => !call.given.includes(p.name.name) && !filled.includes(p.name.name)).map((p): CompletionItem => ({ label: p.name.name, kind: "option", detail: p.default ? `= ${block.text.slice(p.default.span.start, p.default.span.end)}` : "required", insertText: `${p.name.name}: ` }));
    return [...params, ...inScope];
  }
  const lineStart = source.lastIndexOf("\n", offset - 1) + 1;
  const before = source.slice(lineStart, offset);
  const callable = [...layers.values()];
  // A pipeline stage is a layer or a block, never a tensor or a loss.
  if (/->\s*[\p{L}_]?[\p{L}\p{Nd}_]*$/u.test(before)) return [...callable.filter((l) => !l.isLoss).map(layerItem), ...blocks];
  if (/^\s*loss\s+[\p{L}_]?[\p{L}\p{Nd}_]*$/u.test(before)) return callable.filter((l) => l.isLoss).map(layerItem);
  const atStatementStart = /^\s*[A-Za-z_]*$/.test(before);
  const keywords = atStatementStart ? KEYWORDS.map((k): CompletionItem => ({ label: k, kind: "keyword", detail: "keyword", insertText: k })) : [];
  return [...inScope, ...callable.map(layerItem), ...keywords];
}
