// Renders the diagnostic catalogue as Markdown (docs/diagnostics.md), with
// each message's placeholders shown as ‹name›.
import { Diagnostics } from "./diagnostics.ts";
import { missingNameCodes, wholeDeclarationCodes } from "./check/recovery.ts";

const placeholders = new Proxy({}, { get: (_, key) => (typeof key === "string" ? `‹${key}›` : undefined) });

export function diagnosticsMarkdown(): string {
  const rows = Object.entries(Diagnostics).map(([name, entry]) => {
    const message = (entry.message as (a: unknown) => string)(placeholders).replace(/\|/g, "\\|");
    return `| ${entry.code} | ${entry.severity} | ${name} | ${message} |`;
  });
  return [
    "# Diagnostics",
    "",
    "Every diagnostic nnc reports, by code. Generated from `compiler/diagnostics.ts` by `npm run docs`; do not edit by hand.",
    "Ranges: NN1xxx lexing and syntax, NN2xxx names and arguments, NN3xxx types and shapes, NN4xxx files, imports and blocks, NN5xxx code generation, NN6xxx export (nnc export).",
    "",
    "## Order, and errors after a syntax error",
    "",
    "Syntax errors (NN1xxx) are listed first, then the others; each group by file and position. The parser recovers from a syntax error and goes on, but what it recovers is a guess, so the checker leaves out what may only follow from it (`compiler/check/recovery.ts`):",
    "",
    `- In a top-level declaration that holds a syntax error, the semantic diagnostics from the statement that holds the first one to the end of the declaration are left out, and so are those about the declaration as a whole (${wholeDeclarationCodes.join(", ")}) and those whose notes point into that part (a call of a damaged block). An unclosed \`{\` of a model or block counts where its body stopped parsing.`,
    `- ${missingNameCodes.join(", ")} are left out for a name that is a \`const\` in such a part (a model missing its \`}\` takes the \`const\` after it into its body) or that appears in the text an unclosed \`/*\` swallowed.`,
    "- An unclosed `/*` is reported instead of the `{` whose `}` it swallowed.",
    "",
    "Everything before the damaged statement, and every other declaration, is checked as usual; fixing the syntax errors brings back what was left out.",
    "",
    "## Catalogue",
    "",
    "| code | severity | name | message |",
    "|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}
