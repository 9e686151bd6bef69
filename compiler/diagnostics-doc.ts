// Renders the diagnostic catalogue as Markdown (docs/diagnostics.md), with
// each message's placeholders shown as ‹name›.
import { Diagnostics } from "./diagnostics.ts";

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
    "Ranges: NN1xxx lexing and syntax, NN2xxx names and arguments, NN3xxx types and shapes, NN4xxx files, imports and blocks.",
    "",
    "| code | severity | name | message |",
    "|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}
