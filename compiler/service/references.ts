// Find references: every place, across the checked files, where a name
// refers to one declaration (a binding, input, const, block parameter,
// block or model). Imports keep names (`import { B }` has no renaming), so
// only identifiers spelled like the declaration are resolved.
import type { Span } from "../../grammar/source.ts";
import type { Analysis } from "./analysis.ts";
import { occurrenceAt, occurrences } from "./occurrences.ts";
import { declarationOf, type Located } from "./scope.ts";

export interface Reference {
  span: Span;
  /** The declaration itself (LSP's includeDeclaration leaves it out when false). */
  isDeclaration: boolean;
}

/**
 * The identifier at `offset` of the edited file and the declaration it
 * names; none for layers, option keys, `as` names and symbolic sizes.
 */
export function symbolAt(analysis: Analysis, offset: number): { span: Span; target: Located } | undefined {
  const ast = analysis.result.ast;
  const occ = ast && occurrenceAt(occurrences(ast), offset);
  if (!occ || occ.role === "option" || occ.role === "alias") return undefined;
  const target = declarationOf(analysis, analysis.filename, occ.name, occ.span.start);
  return target && { span: occ.span, target };
}

const sameDeclaration = (a: Located, b: Located) => a.file === b.file && a.span.start === b.span.start;

/**
 * The references to `target` in every file the given analyses read: pass
 * the analysis of the file being edited and of the files that import the
 * declaring file, since those are the only ones that can refer to it.
 */
export function references(analyses: Analysis[], target: Located): Reference[] {
  const found = new Map<string, Reference>();
  for (const analysis of analyses) {
    for (const [file, ast] of analysis.result.asts) {
      for (const occ of occurrences(ast)) {
        if (occ.name !== target.name || occ.role === "option" || occ.role === "alias") continue;
        const d = declarationOf(analysis, file, occ.name, occ.span.start);
        if (!d || !sameDeclaration(d, target)) continue;
        const key = `${file}:${occ.span.start}`;
        if (!found.has(key)) found.set(key, { span: occ.span, isDeclaration: file === target.file && occ.span.start === target.span.start });
      }
    }
  }
  return [...found.values()].sort((a, b) => (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : a.span.start - b.span.start));
}
