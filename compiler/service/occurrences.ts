// Every identifier written in a file, with the part it plays: a declaration,
// a reference to a name, a callee (a layer or a block), an option key, a
// layer's `as` name, or a name in an import list. References, rename and
// semantic tokens are built on this one walk of the syntax tree.
import type * as A from "../../grammar/ast.ts";
import type { Span } from "../../grammar/source.ts";

export type Role = "declaration" | "reference" | "callee" | "option" | "alias" | "import";

export interface Occurrence {
  name: string;
  span: Span;
  role: Role;
  /** For declarations: what is declared. */
  declares?: "model" | "block" | "const" | "parameter" | "input" | "target" | "binding" | "output";
  /** A reference inside a tensor type's brackets (`f32[T, D]`): a const or a symbolic size. */
  inType?: boolean;
}

const cache = new WeakMap<A.FileNode, Occurrence[]>();

/** In source order; computed once per syntax tree. */
export function occurrences(ast: A.FileNode): Occurrence[] {
  let found = cache.get(ast);
  if (!found) cache.set(ast, (found = walk(ast)));
  return found;
}

function walk(ast: A.FileNode): Occurrence[] {
  const out: Occurrence[] = [];
  const add = (id: A.Identifier, role: Role, extra: Partial<Occurrence> = {}) => out.push({ name: id.name, span: id.span, role, ...extra });
  const expr = (e: A.Expr | undefined, inType = false): void => {
    if (!e) return;
    switch (e.kind) {
      case "Name":
        out.push({ name: e.name, span: e.span, role: "reference", ...(inType ? { inType } : {}) });
        return;
      case "Call":
        add(e.callee, "callee");
        args(e.args);
        if (e.alias) add(e.alias, "alias");
        expr(e.repeat);
        return;
      case "Pipeline":
        expr(e.head);
        for (const s of e.stages) expr(s);
        return;
      case "Binary":
        expr(e.left, inType);
        expr(e.right, inType);
        return;
      case "Unary":
        expr(e.operand, inType);
        return;
      case "Tuple":
        for (const i of e.items) expr(i, inType);
        return;
      case "Number":
      case "Bool":
      case "Error":
        return;
    }
  };
  const args = (list: A.Argument[]) => {
    for (const a of list) {
      if (a.key) add(a.key, "option");
      expr(a.value);
    }
  };
  const statement = (st: A.Statement): void => {
    switch (st.kind) {
      case "Input":
        add(st.name, "declaration", { declares: st.role });
        for (const d of st.type.dims) expr(d, true);
        return;
      case "Binding":
        add(st.name, "declaration", { declares: "binding" });
        expr(st.value);
        return;
      case "Output":
        // `output y = …` declares y; `output y` marks an existing value.
        if (st.value) add(st.name, "declaration", { declares: "output" });
        else add(st.name, "reference");
        expr(st.value);
        return;
      case "Loss":
        expr(st.call);
        return;
      case "Generate":
        add(st.feed, "reference");
        add(st.source, "reference");
        args(st.args);
        return;
      case "Const":
        add(st.name, "declaration", { declares: "const" });
        expr(st.value);
        return;
    }
  };
  for (const imp of ast.imports) for (const n of imp.names) add(n, "import");
  for (const c of ast.consts) statement(c);
  for (const b of ast.blocks) {
    add(b.name, "declaration", { declares: "block" });
    for (const p of b.params) {
      add(p.name, "declaration", { declares: "parameter" });
      expr(p.default);
    }
    for (const st of b.body) statement(st);
  }
  for (const m of ast.models) {
    add(m.name, "declaration", { declares: "model" });
    for (const st of m.body) statement(st);
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}

/** The occurrence whose identifier touches `offset` (binary search: the list is in source order). */
export function occurrenceAt(list: Occurrence[], offset: number): Occurrence | undefined {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const o = list[mid]!;
    if (o.span.end < offset) lo = mid + 1;
    else if (o.span.start > offset) hi = mid - 1;
    else return o;
  }
  return undefined;
}
