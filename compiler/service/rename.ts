// Rename: the declaration under the cursor and every reference to it,
// across the files given (see references.ts). A new name must be an
// identifier that is neither a keyword nor a layer's name, and must not
// already mean something where any of the references stands.
import { layers } from "../layers/registry.ts";
import type { Span } from "../../grammar/source.ts";
import type { Analysis } from "./analysis.ts";
import { KEYWORDS } from "./keywords.ts";
import { isIdentifier } from "./positions.ts";
import { references, symbolAt } from "./references.ts";
import { resolveIn, type Located } from "./scope.ts";

export interface TextEdit {
  span: Span;
  newText: string;
}

/** What rename would change at `offset`: the identifier's span and its declaration; undefined where nothing can be renamed. */
export const prepareRename = (analysis: Analysis, offset: number) => symbolAt(analysis, offset);

/** The edits, by file, or why the new name is refused. */
export function rename(analyses: Analysis[], target: Located, newName: string): { edits: TextEdit[] } | { error: string } {
  if (!isIdentifier(newName)) return { error: `'${newName}' is not an identifier` };
  if ((KEYWORDS as readonly string[]).includes(newName)) return { error: `'${newName}' is a keyword` };
  if (layers.has(newName)) return { error: `'${newName}' is a layer's name` };
  if (newName === target.name) return { edits: [] };
  const refs = references(analyses, target);
  for (const r of refs) {
    const ast = analyses.flatMap((a) => [a.result.asts.get(r.span.file)]).find((x) => x);
    const clash = resolveIn(ast, newName, r.span.start);
    if (clash) return { error: `'${newName}' is already declared at ${clash.span.file}:${clash.span.line}:${clash.span.column}` };
  }
  return { edits: refs.map((r) => ({ span: r.span, newText: newName })) };
}
