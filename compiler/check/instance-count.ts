// Counts the layers, operators and block instances an expression would add,
// without evaluating it: repeats multiply and block calls expand symbolically,
// so `-> dense(4) * 1e9` or thirty nested blocks each repeating the next are
// refused (NN3026) before anything is built. Constants (repeat counts, block
// parameters) come from the evaluator, with its diagnostics dropped:
// evaluation proper, which follows, reports their errors.
import type * as A from "../../grammar/ast.ts";
import { constToString, type ConstValue } from "../types.ts";
import { layers } from "../layers/registry.ts";
import type { Value } from "./values.ts";
import type { BlockRef } from "./units.ts";
import { declaredName, MAX_BLOCK_DEPTH, type Frame } from "./frame.ts";

/** The most block bodies one model's counts may walk (distinct blocks and parameter values): far more than MAX_NODES allows. */
const COUNT_BUDGET = 100_000;

export class InstanceCounter {
  /** Nodes one instance of a block adds, by its parameters' values (countBlock); its keys are every block the model reaches. */
  private readonly counts = new Map<A.BlockDecl, Map<string, number>>();
  /** Blocks being counted, against recursion (reported when evaluated). */
  private readonly counting = new Set<A.BlockDecl>();
  /** Block bodies counted (memo misses): past COUNT_BUDGET, counts give up as "too many". */
  private work = 0;

  constructor(private readonly evaluateConst: (e: A.Expr, frame: Frame) => Value | undefined) {}

  /** The names of the blocks counted so far: every block the model calls, directly or through others. */
  blocksReached(): Set<string> {
    return new Set([...this.counts.keys()].map((d) => d.name.name));
  }

  /** Whether an expression denotes a tensor (as far as can be told without evaluating it). */
  isTensorExpr(e: A.Expr, frame: Frame): boolean {
    switch (e.kind) {
      case "Name": {
        const entry = frame.scope.get(e.name);
        return entry ? entry.kind !== "const" : frame.declared.has(e.name);
      }
      case "Pipeline":
      case "Call":
        return true;
      case "Unary":
        return this.isTensorExpr(e.operand, frame);
      case "Binary":
        return this.isTensorExpr(e.left, frame) || this.isTensorExpr(e.right, frame);
      case "Tuple":
        // Never evaluated while counting if anything in it makes nodes.
        return e.items.some((item) => this.isTensorExpr(item, frame));
      default:
        return false;
    }
  }

  /**
   * How many nodes evaluating `e` would add, without adding any: layers,
   * operators, and the contents of block instances, repeats multiplied.
   * Errors are left to evaluation, which follows.
   */
  countExpr(e: A.Expr, frame: Frame): number {
    switch (e.kind) {
      case "Unary":
        return this.countExpr(e.operand, frame) + (this.isTensorExpr(e.operand, frame) ? 1 : 0);
      case "Binary":
        return this.countExpr(e.left, frame) + this.countExpr(e.right, frame) + (this.isTensorExpr(e.left, frame) && this.isTensorExpr(e.right, frame) ? 1 : 0);
      case "Tuple":
        return e.items.reduce((n, item) => n + this.countExpr(item, frame), 0);
      case "Pipeline": {
        let n = this.countExpr(e.head, frame);
        for (const stage of e.stages) {
          const times = stage.repeat ? this.evaluateConst(stage.repeat!, frame) : undefined;
          n += this.countCall(stage, frame) * (times?.kind === "number" && Number.isInteger(times.value) && times.value > 1 ? times.value : 1);
        }
        return n;
      }
      case "Call":
        // `x as name` names a value; it adds nothing.
        if (e.bare && !layers.has(e.callee.name) && !frame.unit.blocks.has(e.callee.name)) return 0;
        return this.countCall(e, frame);
      default:
        return 0;
    }
  }

  /** The nodes one application of a call adds: its tensor arguments', then its own (one, or a block instance's). */
  countCall(call: A.Call, frame: Frame): number {
    let n = 0;
    const positional: ConstValue[] = [];
    const named = new Map<string, ConstValue>();
    const block = frame.unit.blocks.get(call.callee.name);
    for (const arg of call.args) {
      if (this.isTensorExpr(arg.value, frame)) n += this.countExpr(arg.value, frame);
      else if (block) {
        // A block's parameters are the arguments that are not tensors.
        const v = this.evaluateConst(arg.value, frame);
        if (v && v.kind !== "tensor") {
          if (arg.key) named.set(arg.key.name, v);
          else positional.push(v);
        }
      }
    }
    if (!block) return n + (layers.has(call.callee.name) ? 1 : 0);
    return n + this.countBlock(block, positional, named);
  }

  /** The nodes and instances one instance of a block adds (itself included), given its parameters; memoised by their values. */
  countBlock(ref: BlockRef, positional: ConstValue[], named: Map<string, ConstValue>): number {
    const decl = ref.decl;
    // Recursion is reported when the block is evaluated.
    if (this.counting.has(decl) || this.counting.size >= MAX_BLOCK_DEPTH) return 1;
    const frame: Frame = { unit: ref.unit, scope: new Map(), declared: new Map(), counters: new Map(), prefix: [], trail: [] };
    const key: string[] = [];
    decl.params.forEach((p, i) => {
      let v = named.get(p.name.name) ?? positional[i];
      if (!v && p.default) {
        const d = this.evaluateConst(p.default!, frame);
        if (d && d.kind !== "tensor") v = d;
      }
      if (v) frame.scope.set(p.name.name, { kind: "const", value: v, declared: p.name.span });
      key.push(v ? constToString(v) : "?");
    });
    const memo = this.counts.get(decl) ?? this.counts.set(decl, new Map()).get(decl)!;
    const known = memo.get(key.join(","));
    if (known !== undefined) return known;
    // Parameters that differ at every call can make the distinct instances exponential in number: then stop counting.
    if (++this.work > COUNT_BUDGET) return Infinity;
    this.counting.add(decl);
    let n = 1;
    try {
      for (const st of decl.body) {
        const value = st.kind === "Const" || st.kind === "Binding" || st.kind === "Output" ? st.value : undefined;
        const name = declaredName(st);
        if (st.kind === "Input") frame.scope.set(st.name.name, { kind: "failed", declared: st.name.span });
        if (!value || !name) continue;
        if (this.isTensorExpr(value, frame)) {
          n += this.countExpr(value, frame);
          // A tensor: enough for isTensorExpr, and never evaluated here.
          frame.scope.set(name.name, { kind: "failed", declared: name.span });
        } else {
          const v = this.evaluateConst(value, frame);
          if (v && v.kind !== "tensor" && v.kind !== "enum") frame.scope.set(name.name, { kind: "const", value: v, declared: name.span });
        }
      }
    } finally {
      this.counting.delete(decl);
    }
    memo.set(key.join(","), n);
    return n;
  }
}
