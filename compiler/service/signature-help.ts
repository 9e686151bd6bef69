// Signature help inside a layer or block call: its options (or the block's
// parameters) with types and defaults, and which one the cursor is on — a
// `key:` being typed names it; otherwise the next positional option.
import { layers } from "../layers/registry.ts";
import type { Analysis } from "./analysis.ts";
import { openCall, positionalOptionsFilled, type OpenCall } from "./completion.ts";
import { optionSignature } from "./options.ts";
import { blockNamed, enclosingDecl, localNames } from "./scope.ts";

export interface SignatureHelp {
  /** `conv2d(filters: int, kernel: int | (int, …), stride: … = 1, …)` */
  label: string;
  documentation: string;
  /** Each parameter's [start, end) in the label, with its doc. */
  parameters: { label: [number, number]; documentation?: string }[];
  /** Index into parameters; -1 when the cursor is on none (a tensor input). */
  active: number;
}

function build(name: string, params: { text: string; doc?: string }[], documentation: string): Omit<SignatureHelp, "active"> {
  let label = `${name}(`;
  const parameters: SignatureHelp["parameters"] = [];
  params.forEach((p, i) => {
    if (i) label += ", ";
    parameters.push({ label: [label.length, label.length + p.text.length], ...(p.doc ? { documentation: p.doc } : {}) });
    label += p.text;
  });
  return { label: `${label})`, documentation, parameters };
}

/** Which of `names` the argument being typed fills: its key, or the next positional one. */
function activeIndex(call: OpenCall, names: string[], positional: string[], filled: number): number {
  const key = /^([\p{L}_][\p{L}\p{Nd}_]*)\s*:/u.exec(call.current)?.[1];
  if (key) return names.indexOf(key);
  const next = positional[filled];
  return next === undefined ? -1 : names.indexOf(next);
}

export function signatureHelp(analysis: Analysis, offset: number): SignatureHelp | undefined {
  const call = openCall(analysis.source, offset);
  if (!call) return undefined;
  const decl = enclosingDecl(analysis.result.ast, offset);
  const tensors = new Set(decl ? localNames(decl).filter((d) => d.kind !== "const" && d.kind !== "parameter").map((d) => d.name) : []);
  const def = layers.get(call.callee);
  if (def) {
    const sig = build(def.name, def.options.map((o) => ({ text: optionSignature(o), ...(o.doc ? { doc: o.doc } : {}) })), def.doc);
    const names = def.options.map((o) => o.name);
    const positional = def.options.filter((o) => o.positional !== false).map((o) => o.name);
    // A leading tensor argument is an input, not an option.
    const typingTensor = !/:/.test(call.current) && tensors.has(call.current) && call.positional.every((a) => tensors.has(a));
    return { ...sig, active: typingTensor ? -1 : activeIndex(call, names, positional, positionalOptionsFilled(call, tensors)) };
  }
  const block = blockNamed(analysis, call.callee, offset);
  if (!block) return undefined;
  const params = block.decl.params.map((p) => ({ text: p.default ? `${p.name.name} = ${block.text.slice(p.default.span.start, p.default.span.end)}` : p.name.name }));
  const inputs = block.decl.body.filter((s) => s.kind === "Input").length;
  const names = block.decl.params.map((p) => p.name.name);
  const sig = build(block.decl.name.name, params, `block with ${inputs} input${inputs === 1 ? "" : "s"}${block.file === analysis.filename ? "" : `, from ${block.file}`}`);
  return { ...sig, active: activeIndex(call, names, names, positionalOptionsFilled(call, tensors)) };
}
