// Go to definition: a name in a model or block body goes to its binding,
// input, const or block parameter; a block, const or model name to its
// declaration, and an imported name to the declaration in the file that
// declares it. The span names its file (`span.file`), which may be another.
import type { Span } from "../../grammar/source.ts";
import type { Analysis } from "./analysis.ts";
import { identifierAt } from "./positions.ts";
import { declarationOf } from "./scope.ts";

export function definition(analysis: Analysis, offset: number): Span | undefined {
  const word = identifierAt(analysis.source, offset);
  if (!word) return undefined;
  return declarationOf(analysis, analysis.filename, word.name, offset)?.span;
}
