// `generate feed from source(start:, stop:)`: the fed input must be an i32
// [T] input, the source a [T, classes] output, and no layer between them may
// let step t see a later step. Decoding runs the model once per step with
// the sequence so far, so step t of the scores may depend only on steps ≤ t
// of the fed-back input; each layer says whether it keeps that (LayerDef.causal).
import type * as A from "../../grammar/ast.ts";
import { Diagnostics, type DiagnosticEntry, type Related } from "../diagnostics.ts";
import { refType, sameRef, type CheckedModel, type Generation, type GraphNode, type TensorRef } from "../graph.ts";
import type { OptionSpec } from "../layers/layer.ts";
import type { Span } from "../../grammar/source.ts";
import { typeToString } from "../types.ts";
import { coerceOption, type OptionReporter } from "./options.ts";
import type { TensorValue, Value } from "./values.ts";

/** What the check needs from the evaluator, in the model's frame. */
export interface GenerateHost {
  /** The tensor a name refers to, or undefined after reporting why not. */
  tensor(name: A.Identifier, what: string): TensorValue | undefined;
  evaluate(e: A.Expr): Value | undefined;
  report<T>(entry: DiagnosticEntry<T>, args: T, span: Span, extra?: { related?: Related[]; hint?: string }): undefined;
  options: OptionReporter;
}

const OPTIONS: OptionSpec[] = [
  { name: "start", type: { kind: "int", min: 0 }, doc: "the class fed at step 0" },
  { name: "stop", type: { kind: "int", min: 0 }, doc: "the class that ends a sequence" },
];

export function checkGeneration(model: CheckedModel, st: A.GenerateDecl, host: GenerateHost): Generation | undefined {
  const feed = host.tensor(st.feed, "generate's fed input");
  const source = host.tensor(st.source, "generate's scores");
  if (!feed || !source) return undefined;
  const input = feed.ref.kind === "input" ? model.inputs.find((i) => i.name === st.feed.name && i.role === "input") : undefined;
  if (!input || input.type.dtype !== "i32" || input.type.shape.length !== 1) {
    const got = !input ? (feed.ref.kind === "input" ? `a target (${typeToString(feed.type)})` : `a computed value (${typeToString(feed.type)})`) : typeToString(input.type);
    return host.report(Diagnostics.GenerateFeed, { name: st.feed.name, got }, st.feed.span);
  }
  const steps = input.type.shape[0]!;
  const [rows, classes] = source.type.shape;
  if (source.type.shape.length !== 2 || !rows!.equals(steps) || classes!.value === undefined)
    return host.report(Diagnostics.GenerateSource, { name: st.source.name, feed: st.feed.name, steps: steps.toString(), got: typeToString(source.type) }, st.source.span);
  const output = model.outputs.find((o) => sameRef(o.ref, source.ref));
  if (!output) return host.report(Diagnostics.GenerateNotOutput, { name: st.source.name }, st.source.span, { hint: `mark it with \`output ${st.source.name}\`` });
  const options = generateOptions(st, classes!.value, host);
  if (!options) return undefined;
  const offender = firstLookahead(model, source.ref, input.name);
  if (offender) {
    const hint = "decoding allows step-wise layers, rnn/lstm/gru running forwards with sequences: true, attention(causal: true), and cross-attention whose keys come from other inputs";
    return host.report(Diagnostics.LooksAhead, { layer: offender.name, source: st.source.name, feed: st.feed.name }, offender.span, { hint, related: [{ span: st.span, message: "decoding is declared here" }] });
  }
  return { feed: input.name, source: output.name, steps, classes: classes!.value, ...options, span: st.span };
}

/** `start:` and `stop:`, by name only, each a class index. */
function generateOptions(st: A.GenerateDecl, classes: number, host: GenerateHost): { start: number; stop?: number } | undefined {
  const values: { start: number; stop?: number } = { start: 0 };
  let ok = true;
  for (const arg of st.args) {
    const spec = OPTIONS.find((s) => s.name === arg.key?.name);
    if (!arg.key || !spec) {
      ok = false;
      if (!arg.key) host.report(Diagnostics.TooManyArguments, { layer: "generate", max: 0, got: st.args.filter((a) => !a.key).length }, arg.span, { hint: "pass start: and stop: by name" });
      else host.report(Diagnostics.UnknownOption, { layer: "generate", option: arg.key.name }, arg.key.span, { hint: "its options are start, stop" });
      continue;
    }
    const value = host.evaluate(arg.value);
    if (!value) {
      ok = false;
      continue;
    }
    if (value.kind === "tensor") {
      ok = false;
      host.report(Diagnostics.NotAConstant, { what: `option '${spec.name}' of generate` }, arg.value.span);
      continue;
    }
    const n = coerceOption("generate", spec, value, host.options) as number | undefined;
    if (n === undefined) ok = false;
    else if (n >= classes) {
      ok = false;
      host.report(Diagnostics.BadOptionValue, { layer: "generate", option: spec.name, expected: `a class index below ${classes}`, got: String(n) }, arg.value.span);
    } else values[spec.name as "start" | "stop"] = n;
  }
  return ok ? values : undefined;
}

/** The first layer on a path from `feed` to `source` that is not causal, if any. */
export function firstLookahead(model: CheckedModel, source: TensorRef, feed: string): GraphNode | undefined {
  const fed = new Set<number>();
  const dependsOnFeed = (r: TensorRef) => (r.kind === "input" ? r.name === feed : fed.has(r.id));
  // Nodes are in evaluation order, so inputs come before their consumers.
  for (const node of model.nodes) if (node.inputs.some(dependsOnFeed)) fed.add(node.id);
  const needed = new Set<number>();
  const visit = (r: TensorRef) => {
    if (r.kind === "input" || needed.has(r.id)) return;
    needed.add(r.id);
    model.nodes[r.id]!.inputs.forEach(visit);
  };
  visit(source);
  return model.nodes.find((node) => {
    if (!needed.has(node.id) || !fed.has(node.id)) return false;
    const query = { options: node.options, inputs: node.inputs.map((r) => refType(model, r)), output: node.output, dependent: node.inputs.map(dependsOnFeed) };
    return !node.def.causal?.(query);
  });
}
