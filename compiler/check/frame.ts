// The state of one body being evaluated (a model's or a block instance's),
// shared by the evaluator and the instance counter.
import type * as A from "../../grammar/ast.ts";
import type { Related } from "../diagnostics.ts";
import type { Span } from "../../grammar/source.ts";
import type { Dim } from "../shapes/dim.ts";
import type { ScopeEntry } from "./values.ts";
import type { FileUnit } from "./units.ts";

/** How deep block instances may nest (deeper is reported as recursion). */
export const MAX_BLOCK_DEPTH = 32;

/** A model body or one block instance being evaluated. */
export interface Frame {
  unit: FileUnit;
  scope: Map<string, ScopeEntry>;
  /** Names this body declares, so a use before the declaration gets its own message. */
  declared: Map<string, Span>;
  counters: Map<string, number>;
  /** Enclosing block instances, outermost first. */
  prefix: string[];
  /** Call sites of the enclosing instances, attached to every diagnostic inside. */
  trail: Related[];
  /** For a block instance: its symbolic dims bound to the caller's. */
  symbols?: Map<string, Dim>;
}

/** The name a statement defines, if any. */
export function declaredName(st: A.Statement): A.Identifier | undefined {
  return st.kind === "Input" || st.kind === "Binding" || st.kind === "Const" || (st.kind === "Output" && st.value) ? st.name : undefined;
}
