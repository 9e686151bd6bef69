// Buffers: planned by liveness, allocated once per (batch, symbols).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compile, loadModule } from "../../compiler/index.ts";
import { planBuffers } from "../../compiler/codegen/plan.ts";
import { makeInputs } from "./harness.ts";

describe("buffer planning", () => {
  it("shares a slot between buffers whose lifetimes do not overlap, never within one step", () => {
    const use = (key: string, size = "B * 4") => ({ key, dtype: "f32" as const, size });
    // a: steps 0–1, b: 1–2, c: 2–3, d: 3 (i32), e: 3
    const plan = planBuffers([[use("a")], [use("a"), use("b", "B * 8")], [use("b", "B * 8"), use("c")], [use("c"), { key: "d", dtype: "i32", size: "B" }, use("e")]], new Set(), "s");
    expect(plan.slotOf.get("a")).toBe("s0");
    expect(plan.slotOf.get("b")).toBe("s1");
    expect(plan.slotOf.get("c")).toBe("s0"); // a's last step (1) is before c's first (2)
    expect(plan.slotOf.get("e")).toBe("s1"); // b ended at step 2
    expect(plan.slots.find((s) => s.name === "s1")!.sizes).toEqual(["B * 8", "B * 4"]);
    expect(plan.slots.find((s) => s.name === plan.slotOf.get("d"))!.dtype).toBe("i32");
  });

  it("keeps pinned buffers (model outputs) alive to the end", () => {
    const use = (key: string) => ({ key, dtype: "f32" as const, size: "B" });
    const plan = planBuffers([[use("out")], [use("x")], [use("y")]], new Set(["out"]), "s");
    expect(plan.slotOf.get("x")).not.toBe(plan.slotOf.get("out"));
    expect(plan.slotOf.get("y")).not.toBe(plan.slotOf.get("out"));
  });

  it("LeNet's training workspace holds fewer buffers than it has tensors and gradients", () => {
    const { code } = compile(readFileSync("examples/lenet.nn", "utf8"), { filename: "lenet.nn" });
    const workspace = /type m0_TrainingWorkspace = \{([^}]*)\}/.exec(code!)![1]!;
    const slots = workspace.split(";").filter((f) => /s\d+:/.test(f)).length;
    // 11 activations, 10 activation gradients and 4 saved buffers (2 column buffers, 2 argmax) share these.
    // (12, not 11: each conv's input now lives until its backward, which computes the filter gradient from it.)
    expect(slots).toBeLessThan(13);
  });

  it("a training step after the first allocates no typed arrays; a new batch size allocates once", () => {
    const { code } = compile(readFileSync("examples/lenet.nn", "utf8"), { filename: "lenet.nn" });
    const LeNet5 = loadModule(code!).LeNet5!;
    const model = new LeNet5({ seed: 0 });
    const inputs = makeInputs(LeNet5, { batch: 8 }, { label: 10 });
    const g = globalThis as unknown as Record<string, unknown>;
    const originals = { Float32Array, Int32Array };
    let constructed = 0;
    for (const name of ["Float32Array", "Int32Array"] as const)
      g[name] = new Proxy(originals[name], {
        construct(target, args) {
          constructed++;
          return Reflect.construct(target, args);
        },
      });
    try {
      model.lossAndGrads!(inputs, { batch: 8 });
      const first = constructed;
      constructed = 0;
      for (let i = 0; i < 3; i++) model.lossAndGrads!(inputs, { batch: 8 });
      expect(first).toBeGreaterThan(0);
      expect(constructed).toBe(0);
    } finally {
      g.Float32Array = originals.Float32Array;
      g.Int32Array = originals.Int32Array;
    }
  });
});
