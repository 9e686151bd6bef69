// Shared by the formatter's tests: the formatter itself, and the two notions
// of "same meaning" a formatted file must keep (same syntax tree, same
// checked models) and "same comments".
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { check } from "../../compiler/index.ts";
import { parse } from "../../grammar/index.ts";
import { typeToString } from "../../compiler/types.ts";
import { formatNn } from "../../compiler/format/index.ts";
import type { CheckedModel, GraphNode, TensorRef } from "../../compiler/graph.ts";

export { formatNn };

export const examplesDir = join(import.meta.dirname, "../../examples");
export const examples: { name: string; text: string }[] = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".nn"))
  .sort()
  .map((name) => ({ name, text: readFileSync(join(examplesDir, name), "utf8") }));

/** The comments of a file, sorted, with line comments' trailing spaces dropped (the printer trims lines). */
export function commentTexts(text: string): string[] {
  return parse(text, "x.nn")
    .ast.comments.map((c) => (c.text.startsWith("//") ? c.text.trimEnd() : c.text))
    .sort();
}

/** The syntax tree without spans and comments: equal trees mean equal programs. */
export function shape(text: string): unknown {
  const { ast, diagnostics } = parse(text, "x.nn");
  return JSON.parse(
    JSON.stringify({ ast, errors: diagnostics.map((d) => d.code) }, (key, value) => (key === "span" || key === "pathSpan" || key === "comments" ? undefined : value)),
  );
}

function ref(r: TensorRef): string {
  return r.kind === "input" ? `input:${r.name}` : `node:${r.id}`;
}

function describeNode(n: GraphNode) {
  return {
    name: n.name,
    kind: n.def.name,
    inputs: n.inputs.map(ref),
    options: n.options,
    output: typeToString(n.output),
    params: n.params,
    instancePath: n.instancePath,
  };
}

/** A checked model without spans: its inputs, layers, outputs and loss. */
export function describeModel(m: CheckedModel) {
  return {
    name: m.name,
    inputs: m.inputs.map((i) => ({ name: i.name, role: i.role, type: typeToString(i.type) })),
    nodes: m.nodes.map(describeNode),
    outputs: m.outputs.map((o) => ({ name: o.name, ref: ref(o.ref), type: typeToString(o.type) })),
    loss: m.loss ? describeNode(m.loss) : null,
    symbols: [...m.symbols.keys()],
    instances: m.instances.map((i) => ({ name: i.name, block: i.block, instancePath: i.instancePath })),
  };
}

/** What the checker makes of a file: its models, or its diagnostics (codes and messages). */
export function meaning(text: string) {
  const result = check(text, { filename: "x.nn" });
  return {
    diagnostics: result.diagnostics.map((d) => `${d.code} ${d.message}`),
    models: result.models.map(describeModel),
  };
}
