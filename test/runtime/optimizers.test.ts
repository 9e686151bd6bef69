// Optimisers against hand-computed steps (Keras's update rules), global-norm
// clipping, state save/restore, and convergence on a quadratic bowl.
import { describe, expect, it } from "vitest";
import { adam, adamw, createOptimizer, momentum, sgd, type Optimizer } from "../../runtime/optimizers.ts";

const f32 = (...xs: number[]): Float32Array => Float32Array.from(xs);

function expectClose(actual: Float32Array, expected: number[], digits = 6): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((x, i) => expect(actual[i]).toBeCloseTo(x, digits));
}

describe("one step by hand (p = [1, 2], g = [0.5, -1])", () => {
  it("sgd: p -= lr·g", () => {
    const p = { w: f32(1, 2) };
    sgd({ lr: 0.1 }).step(p, { w: f32(0.5, -1) });
    expectClose(p.w, [0.95, 2.1]);
  });

  it("momentum: v = μv − lr·g, p += v (velocity carries into step 2)", () => {
    const p = { w: f32(1, 2) };
    const opt = momentum({ lr: 0.1, momentum: 0.9 });
    opt.step(p, { w: f32(0.5, -1) }); // v = [-0.05, 0.1]
    expectClose(p.w, [0.95, 2.1]);
    opt.step(p, { w: f32(0.5, -1) }); // v = 0.9·v − 0.1·g = [-0.095, 0.19]
    expectClose(p.w, [0.855, 2.29]);
  });

  it("nesterov momentum: p += μv − lr·g", () => {
    const p = { w: f32(1, 2) };
    momentum({ lr: 0.1, momentum: 0.9, nesterov: true }).step(p, { w: f32(0.5, -1) });
    // v = [-0.05, 0.1]; p += 0.9·v − 0.1·g = [-0.095, 0.19]
    expectClose(p.w, [0.905, 2.19]);
  });

  it("adam: bias-corrected steps, ε added to √v (Keras)", () => {
    const p = { w: f32(1, 2) };
    const opt = adam({ lr: 0.1 });
    opt.step(p, { w: f32(0.5, -1) });
    // m = 0.1·g = [0.05, -0.1]; v = 0.001·g² = [0.00025, 0.001]
    // α = 0.1·√(1 − 0.999)/(1 − 0.9) = 0.0316228; p −= α·m/(√v + 1e-7) ≈ lr·sign(g)
    expectClose(p.w, [0.900000632, 2.099999684]);
    opt.step(p, { w: f32(-0.25, 2) });
    // m = 0.9·m + 0.1·g = [0.02, 0.11]; v = 0.999·v + 0.001·g² = [0.00031225, 0.004999]
    // α = 0.1·√(1 − 0.999²)/(1 − 0.9²) = 0.0235317; without the correction the step would be ~4x larger
    expectClose(p.w, [0.873367079, 2.063389383]);
  });

  it("adamw: decoupled decay p −= lr·wd·p before the adam step", () => {
    const p = { w: f32(1, 2) };
    adamw({ lr: 0.1, weightDecay: 0.1 }).step(p, { w: f32(0.5, -1) });
    // [1, 2]·(1 − 0.01) = [0.99, 1.98], then ∓0.0999994 as adam above
    expectClose(p.w, [0.890000632, 2.079999684]);
  });

  it("adamw decays only the parameters its filter selects", () => {
    const p = { kernel: f32(1), bias: f32(1) };
    adamw({ lr: 0.1, weightDecay: 0.5, decays: (name) => name !== "bias" }).step(p, { kernel: f32(0), bias: f32(0) });
    expectClose(p.kernel, [0.95]);
    expectClose(p.bias, [1]);
  });

  it("uses Keras's defaults", () => {
    expect(sgd().lr).toBe(0.01);
    expect(momentum().lr).toBe(0.01);
    expect(adam().lr).toBe(0.001);
    const p = { w: f32(1) };
    const opt = adam();
    opt.step(p, { w: f32(1) });
    // ε = 1e-7 (not PyTorch's 1e-8): 0.001·√0.001/0.1 · 0.1/(√0.001 + 1e-7)
    const alpha = (0.001 * Math.sqrt(0.001)) / 0.1;
    expect(p.w[0]).toBeCloseTo(1 - (alpha * 0.1) / (Math.sqrt(0.001) + 1e-7), 7);
    expect(opt.iterations).toBe(1);
  });
});

describe("gradient clipping by global norm", () => {
  it("scales every gradient by clipNorm/‖g‖ across all parameters, leaving grads untouched", () => {
    const p = { a: f32(0), b: f32(0) };
    const g = { a: f32(3), b: f32(4) }; // global norm 5
    sgd({ lr: 1, clipNorm: 1 }).step(p, g);
    expectClose(p.a, [-0.6]);
    expectClose(p.b, [-0.8]);
    expect(g).toEqual({ a: f32(3), b: f32(4) });
  });

  it("leaves gradients below the threshold unscaled", () => {
    const p = { a: f32(0, 0) };
    sgd({ lr: 1, clipNorm: 10 }).step(p, { a: f32(3, 4) });
    expectClose(p.a, [-3, -4]);
  });

  it("applies before adam's moments", () => {
    const clipped = { w: f32(0, 0) };
    const manual = { w: f32(0, 0) };
    adam({ lr: 0.1, clipNorm: 0.5 }).step(clipped, { w: f32(30, 40) });
    adam({ lr: 0.1 }).step(manual, { w: f32(0.3, 0.4) });
    expect(clipped.w).toEqual(manual.w);
  });

  it("names the parameter whose gradient is not finite", () => {
    expect(() => sgd({ clipNorm: 1 }).step({ a: f32(0), b: f32(0) }, { a: f32(1), b: f32(Number.NaN) })).toThrow(
      /gradient norm is not finite \(first non-finite gradient: 'b'\)/,
    );
  });
});

describe("converges on a quadratic bowl", () => {
  // f(p) = Σ c_i (p_i − t_i)², a badly conditioned bowl (c from 0.5 to 5).
  const target = [3, -1, 0.5, 2];
  const curvature = [0.5, 1, 2, 5];
  const cases: [string, () => Optimizer, number][] = [
    ["sgd", () => sgd({ lr: 0.05 }), 300],
    ["momentum", () => momentum({ lr: 0.02 }), 300],
    ["nesterov", () => momentum({ lr: 0.02, nesterov: true }), 300],
    ["adam", () => adam({ lr: 0.05 }), 1500],
    ["adamw", () => adamw({ lr: 0.05, weightDecay: 0 }), 1500],
    ["adam clipped", () => adam({ lr: 0.05, clipNorm: 1 }), 1500],
  ];
  for (const [label, make, steps] of cases) {
    it(label, () => {
      const opt = make();
      const params = { p: new Float32Array(4) };
      const grads = { p: new Float32Array(4) };
      for (let s = 0; s < steps; s++) {
        for (let i = 0; i < 4; i++) grads.p[i] = 2 * curvature[i] * (params.p[i] - target[i]);
        opt.step(params, grads);
      }
      target.forEach((t, i) => expect(Math.abs(params.p[i] - t)).toBeLessThan(1e-2));
      expect(opt.iterations).toBe(steps);
    });
  }
});

describe("state", () => {
  it("allocates each parameter's slots on first use only, never per step", () => {
    const real = globalThis.Float32Array;
    let created = 0;
    globalThis.Float32Array = new Proxy(real, {
      construct(target, args: unknown[]) {
        created++;
        return Reflect.construct(target, args);
      },
    });
    try {
      const params = { w: new real(3), b: new real(2) };
      const grads = { w: real.of(1, 2, 3), b: real.of(1, 1) };
      const opt = adamw({ clipNorm: 1 });
      opt.step(params, grads);
      expect(created).toBe(4); // m and v for each of w and b
      for (let k = 0; k < 10; k++) opt.step(params, grads);
      expect(created).toBe(4);
    } finally {
      globalThis.Float32Array = real;
    }
  });

  it("continues identically after getState/setState", () => {
    const grads = (k: number) => ({ w: f32(Math.sin(k), Math.cos(k)), b: f32(k / 10) });
    const a = { w: f32(1, 2), b: f32(0) };
    const first = adam({ lr: 0.01 });
    for (let k = 0; k < 3; k++) first.step(a, grads(k));
    const saved = first.getState();
    expect(saved.iterations).toBe(3);
    expect(Object.keys(saved.slots).sort()).toEqual(["m/b", "m/w", "v/b", "v/w"]);

    const b = { w: a.w.slice(), b: a.b.slice() };
    const second = adam({ lr: 0.01 });
    second.setState(saved);
    for (let k = 3; k < 6; k++) {
      first.step(a, grads(k));
      second.step(b, grads(k));
    }
    expect(b).toEqual(a);
  });

  it("getState returns copies", () => {
    const opt = momentum({ lr: 0.1 });
    const p = { w: f32(0) };
    opt.step(p, { w: f32(1) });
    const saved = opt.getState();
    opt.step(p, { w: f32(1) });
    expectClose(saved.slots["velocity/w"], [-0.1]);
  });

  it("rejects malformed state", () => {
    expect(() => adam().setState({ iterations: -1, slots: {} })).toThrow(/iterations must be an integer >= 0, got -1/);
    expect(() => adam().setState({ iterations: 1, slots: { "velocity/w": f32(0) } })).toThrow(/unknown slot 'velocity\/w' \(expected 'm\/<param>', 'v\/<param>'\)/);
    expect(() => adam().setState({ iterations: 1, slots: { "m/w": f32(0) } })).toThrow(/parameter 'w' lacks slot 'v\/w'/);
    const opt = momentum();
    opt.setState({ iterations: 1, slots: { "velocity/w": f32(0, 0) } });
    expect(() => opt.step({ w: f32(1) }, { w: f32(1) })).toThrow(/'w' has 1 values but its optimizer state has 2/);
  });

  it("lets a schedule change lr between steps, and rejects a bad lr", () => {
    const opt = sgd({ lr: 1 });
    const p = { w: f32(0) };
    opt.step(p, { w: f32(1) });
    opt.lr = 0.5;
    opt.step(p, { w: f32(1) });
    expectClose(p.w, [-1.5]);
    expect(() => (opt.lr = -1)).toThrow(/sgd: option lr must be a finite number >= 0, got -1/);
  });
});

describe("mismatched params and grads", () => {
  it("lists every problem by name", () => {
    const run = () => sgd().step({ a: f32(0, 0), b: f32(0) }, { a: f32(0), c: f32(0) });
    expect(run).toThrow(/'a' has 2 values but its gradient has 1/);
    expect(run).toThrow(/'b' has no gradient/);
    expect(run).toThrow(/gradient 'c' has no parameter/);
  });

  it("changes nothing when the step is rejected", () => {
    const p = { a: f32(1), b: f32(1) };
    expect(() => adam().step(p, { a: f32(1) })).toThrow();
    expect(p).toEqual({ a: f32(1), b: f32(1) });
  });
});

describe("createOptimizer", () => {
  it("creates each optimizer by name with options", () => {
    for (const name of ["sgd", "momentum", "adam", "adamw"]) {
      const opt = createOptimizer(name, { lr: 0.2 });
      expect(opt.name).toBe(name);
      expect(opt.lr).toBe(0.2);
    }
    const p = { w: f32(1, 2) };
    createOptimizer("momentum", { lr: 0.1, momentum: 0.9, nesterov: true, clipNorm: undefined }).step(p, { w: f32(0.5, -1) });
    expectClose(p.w, [0.905, 2.19]);
  });

  it("names the valid optimizers when the name is unknown", () => {
    expect(() => createOptimizer("adm")).toThrow("unknown optimizer 'adm'; valid optimizers are sgd, momentum, adam, adamw");
  });

  it("rejects an option the optimizer does not take, and bad values", () => {
    expect(() => createOptimizer("adam", { momentum: 0.9 })).toThrow(
      "optimizer 'adam' has no option 'momentum'; its options are lr, beta1, beta2, epsilon, clipNorm",
    );
    expect(() => createOptimizer("sgd", { lr: -1 })).toThrow(/lr must be a finite number >= 0, got -1/);
    expect(() => createOptimizer("adam", { beta1: 1 })).toThrow(/adam: option beta1 must be in \[0, 1\), got 1/);
    expect(() => createOptimizer("adam", { epsilon: 0 })).toThrow(/epsilon/);
    expect(() => createOptimizer("momentum", { momentum: 1.5 })).toThrow(/momentum: option momentum must be in \[0, 1\)/);
    expect(() => createOptimizer("adamw", { weightDecay: -0.1 })).toThrow(/weightDecay/);
    expect(() => createOptimizer("sgd", { clipNorm: 0 })).toThrow(/clipNorm must be a finite number > 0, got 0/);
  });
});
