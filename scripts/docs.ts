// Regenerates the documentation that is derived from code.
import { writeFileSync } from "node:fs";
import { diagnosticsMarkdown } from "../compiler/diagnostics-doc.ts";

writeFileSync("docs/diagnostics.md", diagnosticsMarkdown());
console.log("wrote docs/diagnostics.md");
