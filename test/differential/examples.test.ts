// Every model of every example, compiled with symbolic dims and with
// `--specialize` at the same sizes, gives the same outputs, loss, gradients
// and decoded sequences; and example b of a batch of 33 is what it is alone.
// Sizes: batch 1, 2, 33 and 64 (smaller where a batch would take minutes:
// video.nn), and each symbol at its smallest legal value, an odd value and
// 64 or more (or the largest legal one: a learned positional table bounds
// translator.nn's S and T at 16, charlm.nn's T at 64).
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { IRProgram } from "../../compiler/ir/program.ts";
import { agree, compileOne, cost, example, fillsOf, inputsOnly, isLegal, largestSize, makeArrays, oddIn, programs, row, sameOutputs, sameParams, sameTraining, smallestSizes, type Sizes } from "./support.ts";

const files = readdirSync("examples").filter((f) => f.endsWith(".nn")).sort();

/** Floats touched per pass above which a configuration takes the next smaller batch. */
const COST_LIMIT = 7e8;

type SizeClass = "smallest" | "odd" | "large";
type Mode = "everything" | "symbols" | "batch";

/** The configurations every example runs: each batch, each size class, each way of specialising. */
const plan: { batch: number; cls: SizeClass; mode: Mode }[] = [
  { batch: 1, cls: "smallest", mode: "everything" },
  { batch: 2, cls: "large", mode: "symbols" },
  { batch: 33, cls: "odd", mode: "everything" },
  { batch: 64, cls: "smallest", mode: "batch" },
  { batch: 2, cls: "odd", mode: "batch" },
];

function sizesFor(p: IRProgram, cls: SizeClass, batch: number): Sizes {
  const min = smallestSizes(p);
  const sizes: Sizes = { batch, ...min };
  for (const s of p.symbols) {
    const largest = largestSize(p, s, sizes, 72);
    sizes[s] = cls === "smallest" ? min[s]! : cls === "odd" ? oddIn(min[s]! + 1, Math.min(largest, min[s]! + 12), 3) : Math.max(min[s]!, largest >= 64 ? Math.min(largest, 67) : largest);
  }
  if (!isLegal(p, sizes)) throw new Error(`${p.model.name}: ${JSON.stringify(sizes)} is not legal`);
  return sizes;
}

/** The configuration's batch, or a smaller one where it would be too slow. */
function affordable(p: IRProgram, sizes: Sizes): Sizes {
  const smaller = [64, 33, 8, 2, 1].filter((b) => b <= sizes.batch);
  for (const batch of smaller) if (cost(p, { ...sizes, batch }) <= COST_LIMIT) return { ...sizes, batch };
  return { ...sizes, batch: 1 };
}

for (const file of files) {
  const source = readFileSync(`examples/${file}`, "utf8");
  describe(`examples/${file}`, () => {
    for (const p of programs(source, `examples/${file}`)) {
      const name = p.model.name;
      it(`${name}: symbolic and specialised builds agree at every batch and size; example b of a batch is the example alone`, () => {
        const fills = fillsOf(p);
        const Symbolic = compileOne(source, name);
        const ran: string[] = [];
        for (const [j, c] of plan.entries()) {
          const sizes = affordable(p, sizesFor(p, c.cls, c.batch));
          const mode: Mode = p.symbols.length ? c.mode : "batch";
          const specialize = Object.fromEntries(Object.entries(sizes).filter(([k]) => (k === "batch" ? mode !== "symbols" : mode !== "batch")));
          // A configuration that came out like an earlier one (no symbols, or a batch cut to what is affordable) is not run twice.
          const key = `${JSON.stringify(sizes)} specialised ${JSON.stringify(specialize)}`;
          if (ran.includes(key)) continue;
          ran.push(key);
          const Specialised = compileOne(source, name, specialize);
          const a = new Symbolic({ seed: 11 });
          const b = new Specialised({ seed: 11 });
          sameParams(a, b);
          const all = makeArrays(Symbolic, fills, sizes, 100 + j);
          const inputs = inputsOnly(Symbolic, all);
          sameOutputs(`forward at ${JSON.stringify(sizes)}`, a.forward(inputs, sizes), b.forward(inputs, sizes));
          if (a.lossAndGrads) sameTraining(`lossAndGrads at ${JSON.stringify(sizes)}`, a.lossAndGrads(all, sizes), a, b.lossAndGrads!(all, sizes), b);
          // Decoding feeds each prediction back: the same tokens, greedy and sampled.
          if (Symbolic.generation && sizes.batch <= 2) {
            const feed = Symbolic.generation.feed;
            const rest = Object.fromEntries(Object.entries(inputs).filter(([k]) => k !== feed));
            for (const options of [{}, { temperature: 0.7, seed: 3 }]) expect(Array.from(a.generate!(rest, sizes, options))).toEqual(Array.from(b.generate!(rest, sizes, options)));
          }
        }
        console.log(`examples/${file} ${name} (${process.env.NNC_KERNELS ?? "default"} kernels): ${ran.join("; ")}`);

        // Sizes just outside the legal ones are errors: one below the smallest (textcnn.nn's T = 4 leaves conv1d(kernel: 5) no steps), one above the largest (a learned positional table's max).
        const min = smallestSizes(p);
        for (const s of p.symbols) {
          const largest = largestSize(p, s, min, 200);
          const outside: [number, RegExp][] = [];
          if (min[s]! > 1 && !isLegal(p, { ...min, [s]: min[s]! - 1 })) outside.push([min[s]! - 1, /is too short|too small for it/]);
          if (largest < 200) outside.push([largest + 1, /longer than max/]);
          for (const [v, error] of outside) {
            const at: Sizes = { batch: 2, ...min, [s]: v };
            expect(() => new Symbolic().forward(inputsOnly(Symbolic, makeArrays(Symbolic, fills, at, 1)), at), JSON.stringify(at)).toThrow(error);
          }
        }

        // Example b of a batch of 33 (fewer where 33 is too slow) is the example alone.
        const sizes = affordable(p, sizesFor(p, "odd", 33));
        const m = new Symbolic({ seed: 11 });
        const inputs = inputsOnly(Symbolic, makeArrays(Symbolic, fills, sizes, 7));
        const batchOut = m.forward(inputs, sizes);
        for (const b of [0, Math.floor(sizes.batch / 2), sizes.batch - 1]) {
          const alone = m.forward(example(inputs, sizes.batch, b), { ...sizes, batch: 1 });
          for (const k of Object.keys(alone)) agree(`example ${b} of ${sizes.batch}: ${k}`, row(batchOut[k]!, sizes.batch, b), alone[k]!);
        }
      }, 300_000);
    }
  });
}
