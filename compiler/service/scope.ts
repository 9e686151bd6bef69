// Names: which declaration a name refers to at a place, in a model or block
// body or at file level, and through imports into the file that declares it.
import type * as A from "../../grammar/ast.ts";
import type { Span } from "../../grammar/source.ts";
import type { Analysis } from "./analysis.ts";
import { contains } from "./positions.ts";

export type Decl = A.ModelDecl | A.BlockDecl;

export interface Declared {
  name: string;
  kind: "input" | "target" | "binding" | "output" | "const" | "parameter" | "block" | "model" | "import";
  span: Span;
  /** The statement, for bindings and outputs: its value has the type. */
  statement?: A.Statement;
}

const declsBySpan = new WeakMap<A.FileNode, Decl[]>();

/** The model or block whose braces hold `offset` (a binary search: a large file asks this for every identifier). */
export function enclosingDecl(ast: A.FileNode | undefined, offset: number): Decl | undefined {
  if (!ast) return undefined;
  let sorted = declsBySpan.get(ast);
  if (!sorted) declsBySpan.set(ast, (sorted = [...ast.models, ...ast.blocks].sort((a, b) => a.span.start - b.span.start)));
  // The last declaration starting at or before `offset`; declarations do not nest, but one may end where the next starts.
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.span.start <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  for (let i = found; i >= 0 && i >= found - 1; i--) if (contains(sorted[i]!.span, offset)) return sorted[i];
  return undefined;
}

/** Names declared inside a model or block body (and a block's parameters), in source order. */
export function localNames(decl: Decl): Declared[] {
  const out: Declared[] = [];
  if (decl.kind === "Block") for (const p of decl.params) out.push({ name: p.name.name, kind: "parameter", span: p.name.span });
  for (const st of decl.body) {
    switch (st.kind) {
      case "Input":
        out.push({ name: st.name.name, kind: st.role, span: st.name.span, statement: st });
        break;
      case "Binding":
        out.push({ name: st.name.name, kind: "binding", span: st.name.span, statement: st });
        break;
      case "Output":
        if (st.value) out.push({ name: st.name.name, kind: "output", span: st.name.span, statement: st });
        break;
      case "Const":
        out.push({ name: st.name.name, kind: "const", span: st.name.span, statement: st });
        break;
      case "Loss":
      case "Generate":
        break;
    }
  }
  return out;
}

/** Blocks, models, consts and imported names of the file. */
export function fileNames(ast: A.FileNode | undefined): Declared[] {
  if (!ast) return [];
  return [
    ...ast.imports.flatMap((i) => i.names.map((n): Declared => ({ name: n.name, kind: "import", span: n.span }))),
    ...ast.consts.map((c): Declared => ({ name: c.name.name, kind: "const", span: c.name.span })),
    ...ast.blocks.map((b): Declared => ({ name: b.name.name, kind: "block", span: b.name.span })),
    ...ast.models.map((m): Declared => ({ name: m.name.name, kind: "model", span: m.name.span })),
  ];
}

// Name tables, built once per body and per file: semantic tokens and references resolve every identifier of a file.
const localTables = new WeakMap<Decl, Map<string, Declared>>();
const fileTables = new WeakMap<A.FileNode, Map<string, Declared>>();
function table(names: Declared[]): Map<string, Declared> {
  const out = new Map<string, Declared>();
  for (const d of names) if (!out.has(d.name)) out.set(d.name, d);
  return out;
}
function cached<K extends object>(cache: WeakMap<K, Map<string, Declared>>, key: K, build: () => Declared[]): Map<string, Declared> {
  let t = cache.get(key);
  if (!t) cache.set(key, (t = table(build())));
  return t;
}

/** What `name` refers to at `offset` in a file's syntax tree: the innermost declaration in scope. */
export function resolveIn(ast: A.FileNode | undefined, name: string, offset: number): Declared | undefined {
  if (!ast) return undefined;
  const decl = enclosingDecl(ast, offset);
  return (decl && cached(localTables, decl, () => localNames(decl)).get(name)) ?? cached(fileTables, ast, () => fileNames(ast)).get(name);
}

/** What `name` refers to at `offset` in the edited file. */
export function resolveName(analysis: Analysis, name: string, offset: number): Declared | undefined {
  return resolveIn(analysis.result.ast, name, offset);
}

/** A declaration and the file that holds it. */
export type Located = Declared & { file: string };

/**
 * Follows an imported name to the block or const it names, in the file that
 * declares it (through files that import it in turn). Stays at the import
 * when the imported file was not read or does not declare the name.
 */
export function followImports(analysis: Analysis, file: string, declared: Declared): Located {
  let at: Located = { ...declared, file };
  for (let hops = 0; at.kind === "import" && hops < 64; hops++) {
    const ast = analysis.result.asts.get(at.file);
    const imp = ast?.imports.find((i) => i.names.some((n) => n.span.start === at.span.start));
    if (!imp) break;
    const path = analysis.host.resolve(at.file, imp.path);
    const there = analysis.result.asts.get(path);
    const found = there && fileNames(there).find((d) => d.name === at.name && d.kind !== "model");
    if (!found) break;
    at = { ...found, file: path };
  }
  return at;
}

/** The declaration that `name` at `offset` of `file` (one the check read) finally refers to. */
export function declarationOf(analysis: Analysis, file: string, name: string, offset: number): Located | undefined {
  const declared = resolveIn(analysis.result.asts.get(file) ?? (file === analysis.filename ? analysis.result.ast : undefined), name, offset);
  return declared && followImports(analysis, file, declared);
}

/** The block that `name` at `offset` of the edited file calls (declared here or imported), with the text of its file. */
export function blockNamed(analysis: Analysis, name: string, offset: number): { decl: A.BlockDecl; file: string; text: string } | undefined {
  const at = declarationOf(analysis, analysis.filename, name, offset);
  if (at?.kind !== "block") return undefined;
  const decl = analysis.result.asts.get(at.file)?.blocks.find((b) => b.name.span.start === at.span.start);
  const text = at.file === analysis.filename ? analysis.source : analysis.result.sources.get(at.file)?.text;
  return decl && text !== undefined ? { decl, file: at.file, text } : undefined;
}
