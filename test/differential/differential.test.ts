// Differential tests on random models: compiled with symbolic dims and with
// `--specialize` at the same sizes, a model gives the same outputs, loss and
// gradients (a symbolic dim once reached index arithmetic unparenthesised,
// so `T - 4` read as `d_T - 4` gave NaN only in the symbolic build). And
// example b of a batch gives what it gives alone (index bugs that both builds
// share). Sizes cover batch 1, 2, 33 and 64, each symbol's smallest legal
// value, an odd value and one of 64 or more.
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import type { ModelClass } from "../../compiler/codegen/load.ts";
import type { IRProgram, Tensor } from "../../compiler/ir/program.ts";
import { check, layers } from "../../compiler/index.ts";
import { modelArbitrary, MAX_SIZE, type GeneratedModel } from "./generator.ts";
import { agree, compileOne, cost, example, type Fill, inputsOnly, isLegal, makeArrays, observed, oddIn, programs, row, sameOutputs, sameParams, sameTraining, smallestSizes, type Sizes } from "./support.ts";

/** Random models per kernel set: 20–60 s on two cores, depending on their load. */
const RUNS = Number(process.env.NNC_DIFFERENTIAL_RUNS ?? 100);
const BATCHES = [1, 2, 33, 64] as const;
const CLASSES = ["smallest", "odd", "large"] as const;
/** Floats touched per pass above which a configuration takes a smaller batch (then smaller sizes). */
const COST_LIMIT = 6e6;

interface Coverage {
  models: number;
  batches: Set<number>;
  classes: Set<string>;
  specialised: Set<string>;
  layers: Set<string>;
  features: Set<string>;
  dropout: number;
  configurations: number;
  /** Symbols run one below their smallest legal value (an error). */
  belowSmallest: number;
  /** Configurations with a dropout before the loss, and those where another seed gave another loss. */
  dropoutTried: number;
  dropoutChecked: number;
}

const coverage: Coverage = { models: 0, batches: new Set(), classes: new Set(), specialised: new Set(), layers: new Set(), features: new Set(), dropout: 0, configurations: 0, belowSmallest: 0, dropoutTried: 0, dropoutChecked: 0 };

function fillsOf(g: GeneratedModel): Record<string, Fill> {
  return Object.fromEntries(g.inputs.map((i) => [i.name, { fill: i.fill, ...(i.range ? { range: i.range } : {}), ...(i.symbol ? { symbol: i.symbol } : {}) }]));
}

/** Sizes of a class: every symbol at its smallest legal value, at an odd value above it, or at 64 or more. */
function sizesOf(g: GeneratedModel, cls: (typeof CLASSES)[number], batch: number, pick: number): Sizes {
  const sizes: Sizes = { batch };
  g.symbols.forEach((s, i) => {
    const min = g.minimum[s]!;
    sizes[s] = cls === "smallest" ? min : cls === "odd" ? oddIn(min + 1, min + 21, pick + 7 * i) : [64, 65, 67, 70, MAX_SIZE][(pick + i) % 5]!;
  });
  return sizes;
}

function run(g: GeneratedModel, rotation: number, pick: number): void {
  const checked = check(g.source, { filename: "generated.nn" });
  const errors = checked.diagnostics.filter((d) => d.severity === "error");
  // A generated model that does not check is a generator bug.
  if (errors.length) throw new Error(`generated model does not check:\n${errors.map((d) => `${d.span.line}:${d.span.column} ${d.message}`).join("\n")}\n${g.source}`);
  const [p] = programs(g.source);
  // The generator's smallest legal sizes are the IR's.
  expect(smallestSizes(p!), g.source).toEqual(g.minimum);
  for (const n of p!.model.nodes) coverage.layers.add(n.def.name);
  for (const f of g.features) coverage.features.add(f);
  coverage.models++;
  if (g.hasDropout) coverage.dropout++;
  const fills = fillsOf(g);
  const Symbolic = compileOne(g.source, g.model);
  // One symbolic instance runs every configuration: its buffers, sized for the previous one, must not leak into the next.
  const reused = new Symbolic({ seed: 5 });

  for (let j = 0; j < 2; j++) {
    const r = (rotation + j) % 12;
    let batch: number = BATCHES[r % 4]!;
    let cls: (typeof CLASSES)[number] = CLASSES[r % 3]!;
    let sizes = sizesOf(g, cls, batch, pick + j);
    // Affordable: a smaller batch first, then smaller sizes.
    while (cost(p!, sizes) > COST_LIMIT && (batch > 2 || cls === "large")) {
      if (batch > 2) batch = batch === 64 ? 33 : 2;
      else cls = "odd";
      sizes = sizesOf(g, cls, batch, pick + j);
    }
    coverage.batches.add(batch);
    if (g.symbols.length) coverage.classes.add(cls);
    coverage.configurations++;
    // What --specialize fixes: batch and every symbol, the symbols, the batch, or (several symbols) the batch and the first symbol.
    const mode = g.symbols.length ? (["everything", "everything", "symbols", "batch", "some"] as const)[(pick + j) % 5]! : "batch";
    coverage.specialised.add(mode);
    const fixes = (k: string) => (k === "batch" ? mode !== "symbols" : mode === "some" ? k === g.symbols[0] : mode !== "batch");
    const specialize = Object.fromEntries(Object.entries(sizes).filter(([k]) => fixes(k)));
    const where = `${JSON.stringify(sizes)}, specialised ${JSON.stringify(specialize)}\n${g.source}`;
    try {
      compare(g, Symbolic, compileOne(g.source, g.model, specialize), reused, fills, sizes, pick + j, dropoutReachesLoss(p!));
    } catch (e) {
      throw new Error(`${(e as Error).message}\nat ${where}`);
    }
  }

  // One below a symbol's smallest legal value: an error naming the layer (or input) it leaves without steps where
  // the IR says a dim is below 1, else (symbols coupled, as in a flattened [T, C]) a run.
  for (const s of g.symbols) {
    if (g.minimum[s]! === 1) continue;
    const sizes: Sizes = { batch: 2, ...g.minimum, [s]: g.minimum[s]! - 1 };
    const inputs = inputsOnly(Symbolic, makeArrays(Symbolic, fills, sizes, pick));
    const forward = () => new Symbolic({ seed: 5 }).forward(inputs, sizes);
    if (isLegal(p!, sizes)) expect(forward, `${JSON.stringify(sizes)}\n${g.source}`).not.toThrow();
    else {
      expect(forward, `${JSON.stringify(sizes)}\n${g.source}`).toThrow(/is too short|too small for it|dims must be positive/);
      coverage.belowSmallest++;
    }
  }

  // Example b of a batch of 33 is what it is alone.
  const sizes = sizesOf(g, "odd", 33, pick);
  const m = new Symbolic({ seed: 5 });
  const all = inputsOnly(Symbolic, makeArrays(Symbolic, fills, sizes, pick));
  const batchOut = m.forward(all, sizes);
  for (const b of [0, 1 + (pick % 31), 32]) {
    const alone = m.forward(example(all, 33, b), { ...sizes, batch: 1 });
    for (const k of Object.keys(alone)) {
      try {
        agree(`example ${b} of 33: ${k}`, row(batchOut[k]!, 33, b), alone[k]!);
      } catch (e) {
        throw new Error(`${(e as Error).message}\nat ${JSON.stringify(sizes)}\n${g.source}`);
      }
    }
  }
}

/** Whether a dropout's output leads to the loss (so its mask changes the loss). */
function dropoutReachesLoss(p: IRProgram): boolean {
  if (!p.loss) return false;
  const reaches = new Set<Tensor>([p.loss.output]);
  for (const op of [...p.ops].reverse()) if (reaches.has(op.output)) for (const t of op.inputs) reaches.add(t);
  return p.ops.some((o) => o.def.name === "dropout" && reaches.has(o.output));
}

/** Forward, loss and every gradient of the symbolic and the specialised build, on the same inputs and seeds. */
function compare(g: GeneratedModel, Symbolic: ModelClass, Specialised: ModelClass, reused: InstanceType<ModelClass>, fills: Record<string, Fill>, sizes: Sizes, seed: number, dropoutReachesLoss: boolean): void {
  const a = new Symbolic({ seed: 5 });
  const b = new Specialised({ seed: 5 });
  sameParams(a, b);
  const all = makeArrays(Symbolic, fills, sizes, seed);
  const inputs = inputsOnly(Symbolic, all);
  const out = a.forward(inputs, sizes);
  sameOutputs("forward", out, b.forward(inputs, sizes));
  sameOutputs("forward (reused instance)", out, reused.forward(inputs, sizes));
  if (!g.hasLoss) return;
  const loss = a.lossAndGrads!(all, sizes);
  // With dropout, equal seeds draw equal masks: the builds must agree exactly as without.
  sameTraining("lossAndGrads", loss, a, b.lossAndGrads!(all, sizes), b);
  if (dropoutReachesLoss) {
    // And the masks come from the seed: another seed, same parameters, another loss (unless the dropped values are
    // all zero, as in dropout(x - x): the suite asserts that most configurations show it).
    const c = new Symbolic({ seed: 6 });
    for (const [k, v] of Object.entries(a.params)) c.params[k]!.set(v);
    coverage.dropoutTried++;
    if (c.lossAndGrads!(all, sizes) !== loss) coverage.dropoutChecked++;
  }
  // The reused instance has drawn other masks before; without dropout it must agree too.
  if (!g.hasDropout) sameTraining("lossAndGrads (reused instance)", loss, a, reused.lossAndGrads!(all, sizes), reused);
}

describe("random models: symbolic and specialised builds agree", () => {
  it(`property: ${RUNS} models, forward, loss and gradients at batch 1, 2, 33, 64 and the smallest, an odd and a large size`, () => {
    fc.assert(
      fc.property(modelArbitrary, fc.nat(11), fc.nat(1000), (g, rotation, pick) => run(g, rotation, pick)),
      // No shrinking: each try compiles several modules (minutes); the failure names the model's source, which is short.
      { seed: Number(process.env.NNC_DIFFERENTIAL_SEED ?? 1313), numRuns: RUNS, endOnFailure: true },
    );
    // Every listed size ran somewhere in the suite.
    expect([...coverage.batches].sort((x, y) => x - y)).toEqual([1, 2, 33, 64]);
    expect([...coverage.classes].sort()).toEqual(["large", "odd", "smallest"]);
    expect([...coverage.specialised].sort()).toEqual(["batch", "everything", "some", "symbols"]);
    // Every layer of the language (and each arithmetic operator) ran in some model.
    expect([...layers.keys(), "add", "sub", "mul", "neg"].filter((l) => !coverage.layers.has(l))).toEqual([]);
    // And every construction the generator knows.
    const constructs = ["block", "repeat-block", "repeat-layer", "residual", "broadcast", "fused-activation", "concat-symbolic-axis", "reshape-symbolic-axis", "shrinks-symbolic-axis", "shrinks-axis", "reduce-symbolic-axis", "symbolic-channels", "symbolic-classes", "expression-dim", "cross-attention", "causal", "heads", "lengths", "initial-state", "reverse", "bidirectional", "sequences", "learned-positional", "strided", "dilated", "conv-padding-valid", "conv-padding-same", "conv-padding-int", "pool-padding-valid", "pool-padding-same", "pool-padding-int"];
    expect(constructs.filter((f) => !coverage.features.has(f))).toEqual([]);
    // Dropout draws its masks from the instance's seed (the builds agreeing with them is checked above).
    expect(coverage.dropoutChecked).toBeGreaterThan(coverage.dropoutTried / 2);
  }, 900_000);
});

afterAll(() => {
  // For the report: what the property exercised.
  console.log(
    `differential (${process.env.NNC_KERNELS ?? "default"} kernels): ${coverage.models} models, ${coverage.configurations} configurations, ${coverage.dropout} with dropout (another seed, another loss in ${coverage.dropoutChecked} of ${coverage.dropoutTried} configurations), ${coverage.belowSmallest} sizes below the smallest legal one rejected; worst relative difference ${observed.worst.toExponential(2)}${observed.worst ? ` (${observed.where})` : ""}\n  layers: ${[...coverage.layers].sort().join(" ")}\n  features: ${[...coverage.features].sort().join(" ")}`,
  );
});
