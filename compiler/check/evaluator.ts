// Evaluates a model body (or a block instance) statement by statement:
// resolves names, calls layers and blocks, infers every shape, and records
// the graph. Each problem is reported once, at its own span; evaluation goes
// on past it so one run reports as much as it can.
import type * as A from "../../grammar/ast.ts";
import { Diagnostics, type DiagnosticBag, type DiagnosticEntry, type Related } from "../diagnostics.ts";
import { joinSpans, type Span } from "../../grammar/source.ts";
import { Dim, dimsToString } from "../shapes/dim.ts";
import { typeToString, describeConst, type ConstValue, type TensorType } from "../types.ts";
import type { CheckedModel, GraphNode } from "../graph.ts";
import { inputArity, type LayerContext, type LayerDef, type OptionValue } from "../layers/layer.ts";
import { layers, lossList, operators, isLayerName } from "../layers/registry.ts";
import type { OptionReporter } from "./options.ts";
import { matchOptions, tensorOptions, type Args } from "./call-options.ts";
import { evalDim, MAX_ELEMENTS, type DimReporter } from "./dims.ts";
import { checkGeneration } from "./generate.ts";
import { closest, didYouMean } from "./suggest.ts";
import { MAX_NODES, MAX_PARAMS, formatCount } from "../limits.ts";
import type { ScopeEntry, TensorValue, Value } from "./values.ts";
import type { BlockRef, FileUnit } from "./units.ts";
import { declaredName, MAX_BLOCK_DEPTH, type Frame } from "./frame.ts";
import { InstanceCounter } from "./instance-count.ts";

export class ModelEvaluator {
  readonly model: CheckedModel;
  private readonly layerNames = new Map<string, Span>();
  private readonly blockStack: string[] = [];
  /** Set once the model reached MAX_NODES (reported once): nothing more is added or instantiated. */
  private full = false;
  /** Counts what repeats and block calls would add before they are expanded (resource limits). */
  private readonly counter = new InstanceCounter((e, frame) => this.quietly(() => this.evaluate(e, frame)));
  /** While positive, diagnostics are dropped: counting evaluates constants that evaluation proper reports on. */
  private quiet = 0;

  constructor(
    private readonly bag: DiagnosticBag,
    decl: { name: A.Identifier; span: Span },
    private readonly unit: FileUnit,
  ) {
    this.model = { name: decl.name.name, file: unit.path, span: decl.span, inputs: [], nodes: [], outputs: [], symbols: new Map(), instances: [] };
  }

  // ── reporting ──

  private report<T>(frame: Frame | undefined, entry: DiagnosticEntry<T>, args: T, span: Span, extra: { related?: Related[]; hint?: string } = {}): undefined {
    if (this.quiet > 0) return undefined;
    const related = [...(extra.related ?? []), ...[...(frame?.trail ?? [])].reverse()];
    const more: { related: Related[]; hint?: string } = { related };
    if (extra.hint !== undefined) more.hint = extra.hint;
    this.bag.add(entry, args, span, more);
    return undefined;
  }

  private undefinedName(frame: Frame, name: string, span: Span): undefined {
    const candidates = [...frame.scope.keys(), ...frame.unit.consts.keys()];
    let hint = didYouMean(name, candidates);
    if (!hint && isLayerName(name)) hint = `'${name}' is a layer: apply it in a pipeline, e.g. \`x -> ${name}\``;
    return this.report(frame, Diagnostics.UndefinedName, { name }, span, hint ? { hint } : {});
  }

  // ── entry points ──

  checkModel(decl: A.ModelDecl): CheckedModel {
    const frame: Frame = { unit: this.unit, scope: new Map(), declared: new Map(), counters: new Map(), prefix: [], trail: [] };
    this.evalBody(frame, decl.body, "model");
    if (!decl.body.some((s) => s.kind === "Output")) this.report(frame, Diagnostics.NoOutput, { name: `model ${decl.name.name}` }, decl.name.span, { hint: "mark a value with `output name`" });
    this.checkParameterCount(frame, decl);
    return this.model;
  }

  /** The model's parameters in total: at most MAX_PARAMS (the largest layers are named). */
  private checkParameterCount(frame: Frame, decl: A.ModelDecl): void {
    // Per call site: the copies of a repeated stage share one.
    const sites = new Map<string, { span: Span; first: string; layers: number; size: number }>();
    let total = 0;
    for (const n of this.model.nodes) {
      const size = Object.values(n.params).reduce((acc, shape) => acc + shape.reduce((a, b) => a * b, 1), 0);
      if (size === 0) continue;
      total += size;
      const key = `${n.span.file}:${n.span.start}:${n.span.end}`;
      const site = sites.get(key) ?? sites.set(key, { span: n.span, first: n.name, layers: 0, size: 0 }).get(key)!;
      site.layers++;
      site.size += size;
    }
    if (total <= MAX_PARAMS) return;
    const largest = [...sites.values()].sort((a, b) => b.size - a.size).slice(0, 3);
    this.report(frame, Diagnostics.TooManyParameters, { name: decl.name.name, count: formatCount(total) }, decl.name.span, {
      related: largest.map((s) => ({ span: s.span, message: s.layers === 1 ? `${s.first} has ${formatCount(s.size)} parameters` : `${s.layers} layers from here (${s.first} first) have ${formatCount(s.size)} parameters` })),
    });
  }

  // ── statements ──

  /** Evaluates a body; for a block, binds `inputs` to its input declarations and returns its output. */
  private evalBody(frame: Frame, body: A.Statement[], mode: "model" | "block", blockInputs?: { values: TensorValue[]; decl: A.BlockDecl; call: A.Call }): TensorValue | undefined {
    this.declareNames(frame, body);
    let inputIndex = 0;
    let result: TensorValue | undefined;
    let lossDecl: A.LossDecl | undefined;
    const generates: A.GenerateDecl[] = [];
    const outputNames = new Map<string, Span>();
    for (const st of body) {
      switch (st.kind) {
        case "Const": {
          const v = this.evaluate(st.value, frame);
          if (v && v.kind === "tensor") this.report(frame, Diagnostics.NotAConstant, { what: `const '${st.name.name}'` }, st.value.span);
          else if (v) this.bind(frame, st.name, { kind: "const", value: v, declared: st.name.span });
          break;
        }
        case "Input": {
          if (mode === "block") {
            if (st.role === "target") {
              this.report(frame, Diagnostics.LossInBlock, undefined, st.span);
              break;
            }
            const actual = blockInputs!.values[inputIndex++];
            if (actual) {
              const bound = this.bindBlockInput(frame, st, actual, blockInputs!.decl);
              if (bound) this.bind(frame, st.name, { kind: "tensor", value: { ...actual, span: st.name.span }, declared: st.name.span });
            }
            break;
          }
          const type = this.declaredType(frame, st.type, true);
          if (!type) break;
          this.model.inputs.push({ name: st.name.name, role: st.role, type, span: st.span });
          this.bind(frame, st.name, { kind: "tensor", value: { kind: "tensor", ref: { kind: "input", name: st.name.name }, type, span: st.name.span }, declared: st.name.span });
          break;
        }
        case "Binding": {
          const v = this.evaluate(st.value, frame);
          if (!v) break;
          if (v.kind !== "tensor") {
            // A binding of a constant is allowed: it acts like `const`.
            if (v.kind === "enum") this.undefinedName(frame, v.name, v.span);
            else this.bind(frame, st.name, { kind: "const", value: v, declared: st.name.span });
            break;
          }
          this.bind(frame, st.name, { kind: "tensor", value: v, declared: st.name.span });
          break;
        }
        case "Output": {
          // `output a` twice would give the model two outputs of one name
          // (`output a = …` twice is already a duplicate binding).
          const firstOutput = outputNames.get(st.name.name);
          if (mode === "model" && firstOutput && !st.value) {
            this.report(frame, Diagnostics.DuplicateOutput, { name: st.name.name }, st.name.span, { related: [{ span: firstOutput, message: `'${st.name.name}' is first marked here` }] });
            break;
          }
          if (!firstOutput) outputNames.set(st.name.name, st.name.span);
          let v: TensorValue | undefined;
          if (st.value) {
            v = this.requireTensor(frame, this.evaluate(st.value, frame), st.value.span, "an output");
            if (v) this.bind(frame, st.name, { kind: "tensor", value: v, declared: st.name.span });
          } else {
            v = this.requireTensor(frame, this.lookup(frame, st.name.name, st.name.span), st.name.span, `output '${st.name.name}'`);
          }
          if (!v) break;
          if (mode === "model") this.model.outputs.push({ name: st.name.name, ref: v.ref, type: v.type, span: st.span });
          else result ??= v;
          break;
        }
        case "Loss": {
          if (mode === "block") {
            this.report(frame, Diagnostics.LossInBlock, undefined, st.span);
            break;
          }
          if (lossDecl) {
            this.report(frame, Diagnostics.DuplicateLoss, undefined, st.span, { related: [{ span: lossDecl.span, message: "the first loss is here" }] });
            break;
          }
          lossDecl = st;
          let v: TensorValue | undefined;
          if (st.call.kind === "Pipeline") {
            // `loss y -> cross_entropy(t)` is `loss cross_entropy(y, t)` (spec §4: a stage takes the left side first).
            const stages = st.call.stages;
            const head = stages.length > 1 ? { ...st.call, stages: stages.slice(0, -1) } : st.call.head;
            const left = this.requireTensor(frame, this.evaluate(head, frame), head.span, "the start of a pipeline");
            if (left) v = this.applyCall(stages[stages.length - 1]!, frame, left, true);
          } else if (st.call.kind !== "Call" || st.call.bare) {
            if (st.call.kind !== "Error") {
              const name = st.call.kind === "Name" || st.call.kind === "Call" ? (st.call.kind === "Name" ? st.call.name : st.call.callee.name) : "this expression";
              // A bare loss name lacks its inputs; anything else is not a loss.
              if (layers.get(name)?.isLoss) this.report(frame, Diagnostics.WrongInputCount, { layer: name, expected: "2", got: 0 }, st.call.span, { hint: `write \`loss ${name}(prediction, target)\`` });
              else this.report(frame, Diagnostics.NotALoss, { name, losses: lossList }, st.call.span);
            }
            break;
          } else v = this.applyCall(st.call, frame, undefined, true);
          if (v && v.ref.kind === "node") this.model.loss = this.model.nodes[v.ref.id];
          break;
        }
        case "Generate": {
          if (mode === "block") this.report(frame, Diagnostics.GenerateInBlock, undefined, st.span);
          else if (generates.length) this.report(frame, Diagnostics.DuplicateGenerate, undefined, st.span, { related: [{ span: generates[0]!.span, message: "the first generate is here" }] });
          generates.push(st);
          break;
        }
      }
      const name = declaredName(st);
      if (name && frame.declared.get(name.name) === name.span && !frame.scope.has(name.name)) frame.scope.set(name.name, { kind: "failed", declared: name.span });
    }
    // After the body, so that `generate` may name outputs declared below it.
    if (mode === "model" && generates.length) this.checkGenerate(frame, generates[0]!);
    return result;
  }

  /** `generate feed from source(…)`, checked by check/generate.ts through this frame. */
  private checkGenerate(frame: Frame, st: A.GenerateDecl): void {
    const generation = checkGeneration(this.model, st, {
      tensor: (name, what) => this.requireTensor(frame, this.lookup(frame, name.name, name.span), name.span, what),
      evaluate: (e) => this.evaluate(e, frame),
      report: (entry, args, span, extra) => this.report(frame, entry, args, span, extra),
      options: this.optionReporter(frame),
    });
    if (generation) this.model.generate = generation;
  }

  /** What option matching reports through, in this frame. */
  private optionReporter(frame: Frame): OptionReporter {
    return {
      report: <T>(entry: DiagnosticEntry<T>, a: T, span: Span, extra?: { hint?: string }) => this.report(frame, entry, a, span, extra),
      undefinedName: (n: string, span: Span) => this.undefinedName(frame, n, span),
    };
  }

  /** What dimension evaluation reports through, in this frame. */
  private dimReporter(frame: Frame): DimReporter {
    return (entry, a, span) => this.report(frame, entry, a, span);
  }

  /** First pass over a body: duplicate names, names that shadow layers. */
  private declareNames(frame: Frame, body: A.Statement[]): void {
    for (const st of body) {
      const name = declaredName(st);
      if (!name) continue;
      if (isLayerName(name.name)) {
        this.report(frame, Diagnostics.BindingShadowsLayer, { name: name.name }, name.span);
        // Still declared, so its uses are not reported again as undefined.
        if (!frame.declared.has(name.name)) frame.declared.set(name.name, name.span);
        continue;
      }
      const earlier = frame.declared.get(name.name) ?? frame.scope.get(name.name)?.declared ?? frame.unit.consts.get(name.name)?.declared;
      if (earlier) {
        this.report(frame, Diagnostics.DuplicateBinding, { name: name.name }, name.span, { related: [{ span: earlier, message: `'${name.name}' is first defined here` }] });
        continue;
      }
      frame.declared.set(name.name, name.span);
    }
  }

  private bind(frame: Frame, name: A.Identifier, entry: ScopeEntry): void {
    // Only the first declaration binds (duplicates were reported by declareNames).
    if (frame.declared.get(name.name) !== name.span) return;
    frame.scope.set(name.name, entry);
  }

  // ── types and dims ──

  /** The type written in an `input`/`target` declaration; symbols become symbolic dims. */
  private declaredType(frame: Frame, node: A.TensorTypeNode, recordSymbols: boolean): TensorType | undefined {
    const shape: Dim[] = [];
    for (const d of node.dims) {
      const dim = evalDim(frame, d, this.dimReporter(frame));
      if (!dim) return undefined;
      if (recordSymbols) for (const s of dim.symbols()) if (!this.model.symbols.has(s)) this.model.symbols.set(s, d.span);
      shape.push(dim);
    }
    return { dtype: node.dtype, shape };
  }

  /** Binds a block input declaration against the caller's tensor; symbols bind per instance. */
  private bindBlockInput(frame: Frame, st: A.InputDecl, actual: TensorValue, decl: A.BlockDecl): boolean {
    const symbols = frame.symbols!;
    const declared: Dim[] = [];
    let ok = st.type.dims.length === actual.type.shape.length && st.type.dtype === actual.type.dtype;
    let conflict: { symbol: string; first: Dim; second: Dim } | undefined;
    for (let i = 0; i < st.type.dims.length; i++) {
      const raw = evalDim(frame, st.type.dims[i]!, this.dimReporter(frame));
      if (!raw) return false;
      let d = raw.substitute(symbols);
      const got = actual.type.shape[i];
      // A dim written as a lone symbol binds it on first sight (the block's symbol, not what it is bound to).
      const syms = [...raw.symbols()];
      const sym = syms.length === 1 && raw.equals(Dim.symbol(syms[0]!)) ? syms[0]! : undefined;
      if (got && sym !== undefined && !symbols.has(sym)) {
        symbols.set(sym, got);
        d = got;
      } else if (got && !d.equals(got)) {
        ok = false;
        if (sym !== undefined) conflict ??= { symbol: sym, first: d, second: got };
      }
      declared.push(d);
    }
    if (ok) return true;
    if (conflict && st.type.dims.length === actual.type.shape.length && st.type.dtype === actual.type.dtype) {
      const { symbol, first, second } = conflict;
      this.report(frame, Diagnostics.SymbolConflict, { symbol, first: first.toString(), second: second.toString() }, actual.span, {
        related: [{ span: st.span, message: `'${st.name.name}' is declared here` }, ...this.symbolOrigins([{ dtype: "f32", shape: [first, second] }])],
      });
      return false;
    }
    const expected = `${st.type.dtype}${dimsToString(declared)}`;
    this.report(frame, Diagnostics.LayerInputMismatch, { layer: `block ${decl.name.name}`, expected: `${expected} for input '${st.name.name}'`, got: typeToString(actual.type) }, actual.span, {
      related: [{ span: st.span, message: `'${st.name.name}' is declared here` }],
    });
    return false;
  }

  // ── expressions ──

  private lookup(frame: Frame, name: string, span: Span): Value | undefined {
    const entry = frame.scope.get(name) ?? frame.unit.consts.get(name);
    if (entry?.kind === "failed" || (!entry && frame.unit.failed.has(name))) return undefined;
    if (entry) return { ...entry.value, span } as Value;
    if (frame.declared.has(name))
      return this.report(frame, Diagnostics.UsedBeforeDefinition, { name }, span, { related: [{ span: frame.declared.get(name)!, message: `'${name}' is defined here` }] });
    // Not a name in scope: an enum identifier (`same`, `relu`), which the option that receives it checks.
    return { kind: "enum", name, span };
  }

  private requireTensor(frame: Frame, v: Value | undefined, span: Span, what: string): TensorValue | undefined {
    if (!v) return undefined;
    if (v.kind === "tensor") return v;
    if (v.kind === "enum") return this.undefinedName(frame, v.name, v.span);
    return this.report(frame, Diagnostics.NotATensor, { what, kind: describeConst(v) }, span);
  }

  evaluate(e: A.Expr, frame: Frame): Value | undefined {
    switch (e.kind) {
      case "Error":
        return undefined;
      case "Number":
        return { kind: "number", value: e.value, span: e.span };
      case "Bool":
        return { kind: "bool", value: e.value, span: e.span };
      case "Name":
        return this.lookup(frame, e.name, e.span);
      case "Tuple": {
        const items: ConstValue[] = [];
        for (const item of e.items) {
          const v = this.evaluate(item, frame);
          if (!v) return undefined;
          if (v.kind === "tensor") return this.report(frame, Diagnostics.NotAConstant, { what: "a tuple item" }, item.span);
          items.push(v);
        }
        return { kind: "tuple", items, span: e.span };
      }
      case "Unary": {
        const v = this.evaluate(e.operand, frame);
        if (!v) return undefined;
        if (v.kind === "number") return { kind: "number", value: -v.value, span: e.span };
        const t = this.requireTensor(frame, v, e.operand.span, "the operand of '-'");
        return t && this.applyOperator(frame, operators.neg, [t], e.span);
      }
      case "Binary":
        return this.evalBinary(frame, e);
      case "Pipeline": {
        let v = this.requireTensor(frame, this.evaluate(e.head, frame), e.head.span, "the start of a pipeline");
        for (const stage of e.stages) {
          if (!v) return undefined;
          const times = stage.repeat ? this.repeatCount(frame, stage.repeat) : 1;
          if (times === undefined) return undefined;
          // Counted before anything is expanded: `dense(4) * 1e9` is an error, not a billion nodes.
          if (times > 1 && !this.fitsNodeLimit(frame, this.counter.countCall(stage, frame) * times, `${stage.callee.name} * ${times}`, joinSpans(stage.span, stage.repeat!.span))) return undefined;
          // A repeated stage is applied `times` times; `as name` then names the copies name_1 … name_n.
          for (let i = 1; i <= times && v; i++) {
            const copy: A.Call = stage.alias && times > 1 ? { ...stage, alias: { ...stage.alias, name: `${stage.alias.name}_${i}` } } : stage;
            v = this.applyCall(copy, frame, v);
          }
        }
        return v;
      }
      case "Call":
        if (e.bare && e.alias && !layers.has(e.callee.name) && !frame.unit.blocks.has(e.callee.name)) {
          // `x as name`: a value in scope, not a layer call, cannot be named.
          const v = this.lookup(frame, e.callee.name, e.callee.span);
          if (!v) return undefined;
          if (v.kind !== "enum") return this.report(frame, Diagnostics.AliasOnNonLayer, undefined, e.callee.span, { hint: "`as` follows a layer or block call, as in `x -> dense(10) as head`" });
        }
        return this.applyCall(e, frame, undefined);
    }
  }

  /** The n of `-> stage * n`: a positive integer constant. */
  private repeatCount(frame: Frame, e: A.Expr): number | undefined {
    const v = this.evaluate(e, frame);
    if (!v) return undefined;
    if (v.kind === "enum") return this.undefinedName(frame, v.name, v.span);
    if (v.kind !== "number") return this.report(frame, Diagnostics.BadOptionValue, { layer: "a repeated stage", option: "count", expected: "a positive integer", got: describeConst(v as ConstValue) }, e.span);
    if (!Number.isInteger(v.value)) return this.report(frame, Diagnostics.NotAnInteger, { what: "a repeat count", value: String(v.value) }, e.span);
    if (v.value < 1) return this.report(frame, Diagnostics.NotPositive, { what: "a repeat count", value: String(v.value) }, e.span);
    return v.value;
  }

  private evalBinary(frame: Frame, e: A.Binary): Value | undefined {
    const l = this.evaluate(e.left, frame);
    const r = this.evaluate(e.right, frame);
    if (!l || !r) return undefined;
    if (l.kind === "number" && r.kind === "number") {
      if (e.op === "/" && r.value === 0) return this.report(frame, Diagnostics.DivisionByZero, undefined, e.span);
      const value = e.op === "+" ? l.value + r.value : e.op === "-" ? l.value - r.value : e.op === "*" ? l.value * r.value : l.value / r.value;
      return { kind: "number", value, span: e.span };
    }
    for (const v of [l, r]) if (v.kind === "enum") return this.undefinedName(frame, v.name, v.span);
    if (l.kind === "tensor" && r.kind === "tensor" && e.op !== "/") {
      const related: Related[] = [
        { span: e.left.span, message: `the left side is ${typeToString(l.type)}` },
        { span: e.right.span, message: `the right side is ${typeToString(r.type)}` },
        ...this.symbolOrigins([l.type, r.type]),
      ];
      return this.applyOperator(frame, operators[e.op], [l, r], e.span, related);
    }
    // A tensor with a number (`x * 2`) gets its own message; with a boolean or a tuple, the general one.
    if ((l.kind === "tensor") !== (r.kind === "tensor") && e.op !== "/" && (l.kind === "number" || r.kind === "number"))
      return this.report(frame, Diagnostics.ArithmeticOnConstant, undefined, e.span);
    const describe = (v: Value) => (v.kind === "tensor" ? `a tensor ${typeToString(v.type)}` : describeConst(v));
    return this.report(frame, Diagnostics.InvalidOperands, { op: e.op, left: describe(l), right: describe(r) }, e.span);
  }

  /** Where each symbol in these types was first declared: the other half of a symbol conflict. */
  private symbolOrigins(types: TensorType[]): Related[] {
    const seen = new Set<string>();
    const out: Related[] = [];
    for (const t of types)
      for (const d of t.shape)
        for (const s of d.symbols()) {
          const span = this.model.symbols.get(s);
          if (span && !seen.has(s)) {
            seen.add(s);
            out.push({ span, message: `symbol ${s} is declared here` });
          }
        }
    return out;
  }

  // ── calls ──

  private evalArgs(call: A.Call, frame: Frame, piped: TensorValue | undefined, callee: string, isBlock = false): Args {
    const args: Args = { inputs: piped ? [piped] : [], positional: [], named: [], tensorOptions: [], ok: true };
    let sawNamed = false;
    for (const arg of call.args) {
      const v = this.evaluate(arg.value, frame);
      if (!v) {
        args.ok = false;
        continue;
      }
      if (arg.key) {
        sawNamed = true;
        if (v.kind === "tensor") args.tensorOptions.push({ key: arg.key, value: v });
        else args.named.push({ key: arg.key, value: v });
        continue;
      }
      if (sawNamed) {
        this.report(frame, Diagnostics.PositionalAfterNamed, undefined, arg.span);
        args.ok = false;
        continue;
      }
      if (v.kind === "tensor") {
        if (args.positional.length > 0) {
          this.report(frame, Diagnostics.NotAConstant, { what: `argument ${args.inputs.length + args.positional.length + 1} of ${callee}` }, arg.value.span, { hint: "tensor inputs come first, before the options" });
          args.ok = false;
        } else args.inputs.push(v);
      } else if (v.kind === "enum" && args.positional.length === 0 && !isBlock) {
        // No layer takes a positional enum, so an unknown name right after the
        // inputs was meant as an input tensor (`concat(x, z)`, `dense(xx, 3)`).
        this.undefinedName(frame, v.name, v.span);
        args.ok = false;
      } else args.positional.push(v);
    }
    return args;
  }

  private applyCall(call: A.Call, frame: Frame, piped: TensorValue | undefined, inLoss = false): TensorValue | undefined {
    const name = call.callee.name;
    const block = frame.unit.blocks.get(name);
    if (block) return this.instantiate(block, call, frame, piped);
    const def = layers.get(name);
    if (!def) {
      if (frame.unit.failed.has(name)) return undefined;
      if (frame.unit.models.has(name)) return this.report(frame, Diagnostics.ModelAsStage, { name }, call.callee.span);
      const hint = didYouMean(name, [...layers.keys(), ...frame.unit.blocks.keys()]);
      return this.report(frame, Diagnostics.UnknownLayer, { name }, call.callee.span, hint ? { hint } : {});
    }
    if (def.isLoss && !inLoss) return this.report(frame, Diagnostics.LossOutsideLossStatement, { name }, call.callee.span);
    if (!def.isLoss && inLoss) return this.report(frame, Diagnostics.NotALoss, { name, losses: lossList }, call.callee.span);

    const args = this.evalArgs(call, frame, piped, name);
    const [min, max] = inputArity(def);
    if (args.ok && (args.inputs.length < min || args.inputs.length > max)) {
      const expected = min === max ? String(min) : max === Infinity ? `${min} or more` : `${min} to ${max}`;
      const hint = args.inputs.length === 0 ? `pass the input first, as in \`x -> ${name}${call.bare ? "" : "(…)"}\`` : undefined;
      return this.report(frame, Diagnostics.WrongInputCount, { layer: name, expected, got: args.inputs.length }, call.span, hint ? { hint } : {});
    }
    const reporter = this.optionReporter(frame);
    const options = matchOptions(def, call, args, reporter);
    const extra = tensorOptions(def, args, name, reporter);
    if (!args.ok || !options || !extra) return undefined;
    // A tensor option becomes one more input of the node; its option value is that input's index.
    extra.forEach(({ key, value }, i) => {
      options.values[key] = args.inputs.length + i;
      options.spans.set(key, value.span);
    });

    for (let i = 0; i < args.inputs.length; i++) {
      const want = def.dtypes?.[Math.min(i, def.dtypes.length - 1)] ?? "f32";
      const got = args.inputs[i]!.type;
      if (want !== "any" && got.dtype !== want) {
        const hint = name === "dense" || def.name.startsWith("conv") ? "integer indices become vectors with `embedding(vocab, dim)`" : undefined;
        return this.report(frame, Diagnostics.DtypeMismatch, { layer: name, expected: `${want} values`, got: typeToString(got) }, args.inputs[i]!.span, hint ? { hint } : {});
      }
    }
    const related = def.name === "concat" ? this.symbolOrigins(args.inputs.map((i) => i.type)) : [];
    return this.addNode(frame, def, [...args.inputs, ...extra.map((e) => e.value)], options.values, options.spans, call, related);
  }

  private nextName(frame: Frame, kind: string, alias: A.Identifier | undefined, span: Span, register: boolean): string {
    const n = (frame.counters.get(kind) ?? 0) + 1;
    frame.counters.set(kind, n);
    const local = alias?.name ?? `${kind}_${n}`;
    const full = [...frame.prefix, local].join(".");
    if (register) {
      const first = this.layerNames.get(full);
      if (first) this.report(frame, Diagnostics.DuplicateLayerName, { name: full }, alias?.span ?? span, { related: [{ span: first, message: "first used here" }] });
      else this.layerNames.set(full, alias?.span ?? span);
    }
    return full;
  }

  private applyOperator(frame: Frame, def: LayerDef, inputs: TensorValue[], span: Span, related: Related[] = []): TensorValue | undefined {
    const fakeCall: A.Call = { kind: "Call", span, callee: { name: def.name, span }, args: [], bare: true };
    return this.addNode(frame, def, inputs, {}, new Map(), fakeCall, related, false);
  }

  private addNode(frame: Frame, def: LayerDef, inputs: TensorValue[], options: Record<string, OptionValue>, optionSpans: Map<string, Span>, call: A.Call, related: Related[], isLayer = true): TensorValue | undefined {
    if (!this.roomForOneMore(frame, call.span, related)) return undefined;
    const name = this.nextName(frame, def.name, call.alias, call.span, isLayer);
    if (!isLayer && call.alias) this.report(frame, Diagnostics.AliasOnNonLayer, undefined, call.alias.span);
    const ctx: LayerContext = {
      layer: def.name,
      inputs: inputs.map((i) => i.type),
      options,
      span: call.span,
      inputSpans: inputs.map((i) => i.span),
      optionSpan: (o) => optionSpans.get(o) ?? call.span,
      error: (entry, a, span) => this.report(frame, entry, a, span ?? call.span, { related }),
      requireStatic: (dim, what, span) => {
        const v = dim.value;
        if (v !== undefined) return v;
        return this.report(frame, Diagnostics.SymbolicNotAllowed, { layer: def.name, what, dim: dim.toString() }, span ?? inputs[0]?.span ?? call.span, { related: this.symbolOrigins([{ dtype: "f32", shape: [dim] }]) });
      },
    };
    const result = def.shape(ctx);
    if (!result) return undefined;
    // Sizes past 2^31 cannot be allocated as typed arrays (and lose exactness past 2^53).
    for (const [local, shape] of Object.entries(result.params ?? {})) {
      const size = shape.reduce((a, b) => a * b, 1);
      if (size > MAX_ELEMENTS) return this.report(frame, Diagnostics.SizeTooLarge, { what: `parameter '${name}.${local}'`, size: size.toExponential(2), limit: MAX_ELEMENTS }, call.span);
    }
    const perExample = result.output.shape.reduce((a, d) => a * (d.value ?? 1), 1);
    if (perExample > MAX_ELEMENTS) return this.report(frame, Diagnostics.SizeTooLarge, { what: `the output of ${name}`, size: perExample.toExponential(2), limit: MAX_ELEMENTS }, call.span);
    const node: GraphNode = {
      id: this.model.nodes.length,
      name,
      def,
      inputs: inputs.map((i) => i.ref),
      options,
      output: result.output,
      params: result.params ?? {},
      macs: result.macs ?? Dim.const(0),
      span: call.span,
      instancePath: [...frame.prefix],
    };
    this.model.nodes.push(node);
    return { kind: "tensor", ref: { kind: "node", id: node.id }, type: result.output, span: call.span };
  }

  // ── blocks ──

  private instantiate(ref: BlockRef, call: A.Call, frame: Frame, piped: TensorValue | undefined): TensorValue | undefined {
    const decl = ref.decl;
    const blockName = decl.name.name;
    if (!this.roomForOneMore(frame, call.span)) return undefined;
    if (this.blockStack.includes(blockName) || this.blockStack.length >= MAX_BLOCK_DEPTH)
      return this.report(frame, Diagnostics.BlockRecursion, { name: blockName }, call.callee.span);
    const args = this.evalArgs(call, frame, piped, `block ${blockName}`, true);
    for (const { key, value } of args.tensorOptions) {
      // Block parameters are compile-time values.
      this.report(frame, Diagnostics.NotAConstant, { what: `option '${key.name}' of block ${blockName}` }, value.span, { hint: "tensor inputs are passed by position, before the options" });
      args.ok = false;
    }
    // While inputs are missing, a leading unknown name was meant as one (`B(xx, 4)`), not as an enum parameter.
    const wanted = decl.body.filter((s) => s.kind === "Input" && s.role === "input").length;
    for (let i = args.inputs.length; i < wanted && args.positional[0]?.kind === "enum"; i++) {
      const v = args.positional.shift()!;
      this.undefinedName(frame, (v as { name: string }).name, v.span);
      args.ok = false;
    }
    if (!args.ok) return undefined;
    // Counted before the body is expanded (blocks that call blocks multiply).
    const count = this.counter.countBlock(ref, args.positional, new Map(args.named.map((n) => [n.key.name, n.value])));
    if (!this.fitsNodeLimit(frame, count, `block ${blockName}`, call.span)) return undefined;
    return this.instantiateWith(ref, call, frame, args);
  }

  // ── node counts (resource limits) ──

  /** The names of the blocks this model calls, directly or through others, instantiated or not (refused for its size). */
  get blocksReached(): Set<string> {
    return this.counter.blocksReached();
  }

  /** Nodes and block instances so far: what MAX_NODES bounds. */
  private get size(): number {
    return this.model.nodes.length + this.model.instances.length;
  }

  /**
   * Whether `count` more nodes and instances fit in the model; reports NN3026
   * at `span` where they do not. An infinite count is one too large to count.
   */
  private fitsNodeLimit(frame: Frame, count: number, what: string, span: Span): boolean {
    const before = this.size;
    if (before + count <= MAX_NODES) return true;
    const countText = Number.isFinite(count) ? formatCount(count) : `more than ${formatCount(MAX_NODES)}`;
    const hint = before > 0 && Number.isFinite(count) ? `the model has ${formatCount(before)} before it, ${formatCount(before + count)} with it` : undefined;
    this.report(frame, Diagnostics.TooManyNodes, { what, count: countText }, span, hint ? { hint } : {});
    return false;
  }

  /**
   * The backstop behind the counts of repeats and block calls: whatever the
   * source, at most MAX_NODES nodes and instances are made. The first one
   * past it is reported; after that, nothing more is added or instantiated.
   */
  private roomForOneMore(frame: Frame, span: Span, related: Related[] = []): boolean {
    if (this.full) return false;
    if (this.size < MAX_NODES) return true;
    this.full = true;
    this.report(frame, Diagnostics.TooManyNodes, { what: `model ${this.model.name}`, count: `more than ${formatCount(MAX_NODES)}` }, span, { related });
    return false;
  }

  /** Evaluates a constant with diagnostics dropped (evaluation proper reports them). */
  private quietly<T>(f: () => T): T {
    this.quiet++;
    try {
      return f();
    } finally {
      this.quiet--;
    }
  }

  /**
   * Checks a block that no model uses, as if called with its defaults on
   * inputs of its declared shapes (their symbols kept symbolic). Returns
   * false when a parameter has no default, so the block cannot be instantiated alone.
   */
  checkBlockAlone(ref: BlockRef): boolean {
    const decl = ref.decl;
    if (decl.params.some((p) => !p.default)) return false;
    const frame: Frame = { unit: ref.unit, scope: new Map(), declared: new Map(), counters: new Map(), prefix: [], trail: [] };
    for (const p of decl.params) {
      const v = this.evaluate(p.default!, frame);
      if (!v || v.kind === "tensor") return true;
      frame.scope.set(p.name.name, { kind: "const", value: v, declared: p.name.span });
    }
    const inputs: TensorValue[] = [];
    for (const st of decl.body) {
      if (st.kind !== "Input" || st.role !== "input") continue;
      const type = this.declaredType(frame, st.type, true);
      if (!type) return true;
      this.model.inputs.push({ name: st.name.name, role: "input", type, span: st.span });
      inputs.push({ kind: "tensor", ref: { kind: "input", name: st.name.name }, type, span: st.name.span });
    }
    const call: A.Call = { kind: "Call", span: decl.name.span, callee: decl.name, args: [], bare: false };
    this.instantiateWith(ref, call, { ...frame, scope: new Map() }, { inputs, positional: [], named: [], tensorOptions: [], ok: true });
    return true;
  }

  private instantiateWith(ref: BlockRef, call: A.Call, frame: Frame, args: Args): TensorValue | undefined {
    const decl = ref.decl;
    const blockName = decl.name.name;
    const instanceFrame: Frame = { unit: ref.unit, scope: new Map(), declared: new Map(), counters: new Map(), prefix: [], trail: frame.trail, symbols: new Map() };
    // Parameters: positional, then named, then defaults (evaluated in the block's own file).
    const given = new Map<string, ConstValue>();
    let ok = true;
    args.positional.forEach((v, i) => {
      const p = decl.params[i];
      if (p) given.set(p.name.name, v);
      else if (i === decl.params.length) {
        ok = false;
        this.report(frame, Diagnostics.TooManyArguments, { layer: `block ${blockName}`, max: decl.params.length, got: args.positional.length }, v.span);
      }
    });
    const suggested = new Set<string>();
    for (const { key, value } of args.named) {
      if (!decl.params.some((p) => p.name.name === key.name)) {
        ok = false;
        const near = closest(key.name, decl.params.map((p) => p.name.name));
        if (near) suggested.add(near);
        const hint = didYouMean(key.name, decl.params.map((p) => p.name.name));
        this.report(frame, Diagnostics.UnknownOption, { layer: `block ${blockName}`, option: key.name }, key.span, hint ? { hint } : {});
      } else if (given.has(key.name)) {
        ok = false;
        this.report(frame, Diagnostics.DuplicateOption, { layer: `block ${blockName}`, option: key.name }, key.span);
      } else given.set(key.name, value);
    }
    for (const p of decl.params) {
      let v = given.get(p.name.name);
      if (!v && p.default) {
        const d = this.evaluate(p.default, instanceFrame);
        if (d && d.kind !== "tensor") v = d;
      }
      if (!v) {
        ok = false;
        if (suggested.has(p.name.name)) continue;
        this.report(frame, Diagnostics.MissingBlockArgument, { block: blockName, param: p.name.name }, call.span, { related: [{ span: p.name.span, message: `'${p.name.name}' is declared here` }] });
        continue;
      }
      instanceFrame.scope.set(p.name.name, { kind: "const", value: v, declared: p.name.span });
    }
    const inputDecls = decl.body.filter((s): s is A.InputDecl => s.kind === "Input" && s.role === "input");
    if (args.inputs.length !== inputDecls.length) {
      this.report(frame, Diagnostics.WrongInputCount, { layer: `block ${blockName}`, expected: String(inputDecls.length), got: args.inputs.length }, call.span, {
        related: [{ span: decl.name.span, message: `block ${blockName} is declared here` }],
      });
      ok = false;
    }
    if (!ok) return undefined;

    const local = call.alias?.name ?? `${snakeCase(blockName)}_${(frame.counters.get(`block:${blockName}`) ?? 0) + 1}`;
    frame.counters.set(`block:${blockName}`, (frame.counters.get(`block:${blockName}`) ?? 0) + 1);
    const full = [...frame.prefix, local];
    const firstUse = this.layerNames.get(full.join("."));
    // A repeated instance name would repeat every layer name inside it too: report it once, skip the body.
    if (firstUse) return this.report(frame, Diagnostics.DuplicateLayerName, { name: full.join(".") }, call.alias?.span ?? call.span, { related: [{ span: firstUse, message: "first used here" }] });
    this.layerNames.set(full.join("."), call.alias?.span ?? call.span);
    instanceFrame.prefix = full;
    // A block checked alone (checkBlockAlone) has no call site to point at.
    const standalone = call.callee === decl.name;
    if (!standalone) instanceFrame.trail = [...frame.trail, { span: call.span, message: `in ${full.join(".")}, an instance of block ${blockName}` }];
    this.model.instances.push({ name: full.join("."), block: blockName, span: call.span, instancePath: [...frame.prefix] });

    this.blockStack.push(blockName);
    try {
      const out = this.evalBody(instanceFrame, decl.body, "block", { values: args.inputs, decl, call });
      return out && { ...out, span: call.span };
    } finally {
      this.blockStack.pop();
    }
  }
}


export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

