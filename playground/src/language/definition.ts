// Go to definition: a name in a model or block body goes to its binding,
// input, const or block parameter; a block, const or model name at file
// level to its declaration.
import type { Span } from "../../../compiler/source.ts";
import type { Analysis } from "./analysis.ts";
import { identifierAt } from "./positions.ts";
import { resolveName } from "./scope.ts";

export function definition(analysis: Analysis, offset: number): Span | undefined {
  const word = identifierAt(analysis.source, offset);
  if (!word) return undefined;
  const target = resolveName(analysis, word.name, offset);
  return target && target.span.file === analysis.filename ? target.span : undefined;
}
