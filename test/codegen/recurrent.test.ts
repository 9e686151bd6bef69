// Backpropagation through time for rnn, lstm and gru: finite-difference
// gradient checks (same tolerance argument as gradcheck.test.ts) over every
// option combination, and the spec's equations checked directly.
import { describe, expect, it } from "vitest";
import { compileModel, gradCheck, makeInputs } from "./harness.ts";

const variants: [string, string][] = [];
for (const layer of ["rnn(4)", "rnn(4, activation: relu)", "lstm(3)", "gru(3)"])
  for (const opts of ["", ", sequences: true", ", reverse: true", ", sequences: true, reverse: true", ", bidirectional: true", ", sequences: true, bidirectional: true"]) variants.push([layer, opts]);

describe("recurrent layers: gradient checks", () => {
  for (const [layer, opts] of variants) {
    const call = layer.replace(")", `${opts})`);
    it(call, () => {
      const seq = opts.includes("sequences");
      const src = `model M {\n  input x: f32[T, 3]\n  target label: i32${seq ? "[T]" : ""}\n  logits = x -> dense(3) -> tanh -> ${call} -> dense(2)\n  output logits\n  loss cross_entropy(logits, label)\n}`;
      const M = compileModel(src);
      const dims = { batch: 2, T: 4 };
      const inputs = makeInputs(M, dims, { label: 2 });
      const { worst, where } = gradCheck(M, inputs, dims, { h: layer.includes("relu") ? 1e-3 : 1e-2 });
      expect(worst, where).toBeLessThan(2e-2);
    });
  }
});

describe("recurrent layers: the spec's equations", () => {
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  it("lstm: i, f, c, o gates, c = c'·f + ĉ·i, h = o·tanh(c), zero initial state", () => {
    const M = compileModel("model M {\n  input x: f32[T, 2]\n  output y = x -> lstm(1, sequences: true)\n}");
    const m = new M();
    m.params["lstm_1.kernel"]!.set([0.1, 0.2, 0.3, 0.4, -0.5, 0.6, -0.7, 0.8]);
    m.params["lstm_1.recurrent"]!.set([0.9, -0.1, 0.2, 0.3]);
    m.params["lstm_1.bias"]!.set([0.01, 0.02, 0.03, 0.04]);
    const x = [0.5, -1, 2, 0.25];
    const y = m.forward({ x: new Float32Array(x) }, { batch: 1, T: 2 }).y!;
    let h = 0, c = 0;
    const K = [[0.1, 0.2, 0.3, 0.4], [-0.5, 0.6, -0.7, 0.8]], R = [0.9, -0.1, 0.2, 0.3], b = [0.01, 0.02, 0.03, 0.04];
    const expected: number[] = [];
    for (let t = 0; t < 2; t++) {
      const pre = [0, 1, 2, 3].map((g) => x[2 * t]! * K[0]![g]! + x[2 * t + 1]! * K[1]![g]! + h * R[g]! + b[g]!);
      const [i, f, cc, o] = [sigmoid(pre[0]!), sigmoid(pre[1]!), Math.tanh(pre[2]!), sigmoid(pre[3]!)];
      c = c * f + cc * i;
      h = o * Math.tanh(c);
      expected.push(h);
    }
    expect(Array.from(y)[0]).toBeCloseTo(expected[0]!, 6);
    expect(Array.from(y)[1]).toBeCloseTo(expected[1]!, 6);
  });

  it("gru: reset applied before the recurrent product, h = z·h' + (1 − z)·ĥ", () => {
    const M = compileModel("model M {\n  input x: f32[T, 1]\n  output y = x -> gru(1, sequences: true)\n}");
    const m = new M();
    m.params["gru_1.kernel"]!.set([0.3, -0.4, 0.5]);
    m.params["gru_1.recurrent"]!.set([0.6, 0.7, -0.8]);
    m.params["gru_1.bias"]!.set([0.1, 0.2, 0.3]);
    const x = [1, -2, 0.5];
    const y = m.forward({ x: new Float32Array(x) }, { batch: 1, T: 3 }).y!;
    let h = 0;
    for (let t = 0; t < 3; t++) {
      const z = sigmoid(0.3 * x[t]! + 0.6 * h + 0.1), r = sigmoid(-0.4 * x[t]! + 0.7 * h + 0.2);
      const hh = Math.tanh(0.5 * x[t]! + -0.8 * (r * h) + 0.3);
      h = z * h + (1 - z) * hh;
      expect(y[t]!).toBeCloseTo(h, 6);
    }
  });

  it("bidirectional concatenates the forward state and the reverse state, each with its own parameters", () => {
    const bi = compileModel("model M {\n  input x: f32[T, 1]\n  output y = x -> gru(2, bidirectional: true, sequences: true)\n}");
    const fwd = compileModel("model M {\n  input x: f32[T, 1]\n  output y = x -> gru(2, sequences: true)\n}");
    const rev = compileModel("model M {\n  input x: f32[T, 1]\n  output y = x -> gru(2, reverse: true, sequences: true)\n}");
    const b = new bi({ seed: 1 }), f = new fwd(), r = new rev();
    expect(Object.keys(b.params)).toEqual(["gru_1.kernel", "gru_1.recurrent", "gru_1.bias", "gru_1.reverse.kernel", "gru_1.reverse.recurrent", "gru_1.reverse.bias"]);
    for (const p of ["kernel", "recurrent", "bias"]) {
      f.params[`gru_1.${p}`]!.set(b.params[`gru_1.${p}`]!);
      r.params[`gru_1.${p}`]!.set(b.params[`gru_1.reverse.${p}`]!);
    }
    const x = new Float32Array([0.3, -1, 2]);
    const y = b.forward({ x }, { batch: 1, T: 3 }).y!, yf = f.forward({ x }, { batch: 1, T: 3 }).y!, yr = r.forward({ x }, { batch: 1, T: 3 }).y!;
    for (let t = 0; t < 3; t++) {
      expect(Array.from(y.slice(t * 4, t * 4 + 2))).toEqual(Array.from(yf.slice(t * 2, t * 2 + 2)));
      expect(Array.from(y.slice(t * 4 + 2, t * 4 + 4))).toEqual(Array.from(yr.slice(t * 2, t * 2 + 2)));
    }
  });

  it("reverse runs from the last step; sequences: false returns the last processed state", () => {
    const fwd = compileModel("model M {\n  input x: f32[T, 1]\n  output y = x -> rnn(1, sequences: true)\n}");
    const rev = compileModel("model M {\n  input x: f32[T, 1]\n  output y = x -> rnn(1, reverse: true)\n}");
    const a = new fwd(), b = new rev();
    for (const m of [a, b]) {
      m.params["rnn_1.kernel"]!.set([0.7]);
      m.params["rnn_1.recurrent"]!.set([0.5]);
    }
    const x = new Float32Array([1, 2, 3]);
    const reversed = new Float32Array([3, 2, 1]);
    expect(b.forward({ x }, { batch: 1, T: 3 }).y![0]).toBeCloseTo(a.forward({ x: reversed }, { batch: 1, T: 3 }).y![2]!, 6);
  });
});

describe("recurrent layers: per-example lengths", () => {
  const layersUnderTest = ["rnn(3)", "lstm(3)", "gru(3)", "lstm(3, reverse: true)", "gru(2, bidirectional: true)"];

  for (const layer of layersUnderTest)
    for (const seq of [false, true]) {
      const call = layer.replace(")", `, lengths: n${seq ? ", sequences: true" : ""})`);
      it(`gradient check: ${call}`, () => {
        const src = `model M {\n  input x: f32[T, 2]\n  input n: i32\n  target t: f32[${seq ? "T, " : ""}2]\n  p = x -> ${call} -> dense(2)\n  output p\n  loss mse(p, t)\n}`;
        const M = compileModel(src);
        const dims = { batch: 3, T: 4 };
        const inputs = makeInputs(M, dims);
        inputs.n = new Int32Array([2, 4, 1]);
        const { worst, where } = gradCheck(M, inputs, dims);
        expect(worst, where).toBeLessThan(2e-2);
      });

      it(`padded steps change neither outputs nor gradients: ${call}`, () => {
        const src = `model M {\n  input x: f32[T, 2]\n  input n: i32\n  target t: f32[${seq ? "T, " : ""}2]\n  p = x -> ${call} -> dense(2)\n  output p\n  loss mse(p, t)\n}`;
        const M = compileModel(src);
        const real = new Float32Array([0.5, -0.2, 0.9, 0.1]); // two steps of two features
        const padded = new Float32Array([...real, 7, -9, 3, 100]); // plus two steps of garbage
        const target = seq ? new Float32Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]) : new Float32Array([0.3, -0.3]);
        const a = new M({ seed: 5 }), b = new M({ seed: 5 });
        const outA = a.forward({ x: padded, n: new Int32Array([2]) }, { batch: 1, T: 4 }).p!;
        const outB = b.forward({ x: real, n: new Int32Array([2]) }, { batch: 1, T: 2 }).p!;
        if (seq) {
          expect(Array.from(outA.slice(0, 4))).toEqual(Array.from(outB));
          // Padded steps output a zero state, so both padded positions read the same through dense.
          expect(Array.from(outA.slice(4, 6))).toEqual(Array.from(outA.slice(6, 8)));
        } else expect(Array.from(outA)).toEqual(Array.from(outB));
        if (!seq) {
          const la = a.lossAndGrads!({ x: padded, n: new Int32Array([2]), t: target }, { batch: 1, T: 4 });
          const lb = b.lossAndGrads!({ x: real, n: new Int32Array([2]), t: target }, { batch: 1, T: 2 });
          expect(la).toBe(lb);
          for (const name of Object.keys(a.grads!)) expect(Array.from(a.grads![name]!), name).toEqual(Array.from(b.grads![name]!));
        }
      });
    }

  it("a length outside [1, T] is an error naming the input", () => {
    const M = compileModel("model M {\n  input x: f32[T, 1]\n  input n: i32\n  output y = x -> gru(2, lengths: n)\n}");
    expect(() => new M().forward({ x: new Float32Array(6), n: new Int32Array([3, 4]) }, { batch: 2, T: 3 })).toThrow("gru: lengths 'n' is 4 for example 1, outside [1, 3]");
  });
});

describe("lengths beyond recurrent layers", () => {
  it("last(lengths: n) takes each example's last real step; gradients check", () => {
    const M = compileModel("model M {\n  input x: f32[T, 2]\n  input n: i32\n  target label: i32\n  logits = x -> dense(3) -> tanh -> last(lengths: n) -> dense(2)\n  output logits\n  loss cross_entropy(logits, label)\n}");
    const dims = { batch: 3, T: 4 };
    const inputs = makeInputs(M, dims, { label: 2 });
    inputs.n = new Int32Array([1, 4, 2]);
    const { worst, where } = gradCheck(M, inputs, dims);
    expect(worst, where).toBeLessThan(2e-2);
    const P = compileModel("model M {\n  input x: f32[T, 1]\n  input n: i32\n  output y = x -> last(lengths: n)\n}");
    expect(Array.from(new P().forward({ x: new Float32Array([1, 2, 3, 4, 5, 6]), n: new Int32Array([2, 3]) }, { batch: 2, T: 3 }).y!)).toEqual([2, 6]);
    expect(() => new P().forward({ x: new Float32Array(3), n: new Int32Array([0]) }, { batch: 1, T: 3 })).toThrow("last: lengths 'n' is 0 for example 0, outside [1, 3]");
  });

  it("cross_entropy(lengths: n) averages over real steps only; padded labels are ignored; gradients check", () => {
    const src = "model M {\n  input x: f32[T, 2]\n  input n: i32\n  target tags: i32[T]\n  logits = x -> lstm(3, sequences: true, lengths: n) -> dense(3)\n  output logits\n  loss cross_entropy(logits, tags, lengths: n)\n}";
    const M = compileModel(src);
    const dims = { batch: 2, T: 3 };
    const inputs = makeInputs(M, dims, { tags: 3 });
    inputs.n = new Int32Array([2, 3]);
    const { worst, where } = gradCheck(M, inputs, dims);
    expect(worst, where).toBeLessThan(2e-2);
    // Example 0 alone, unpadded, gives the loss of its two real steps; padding with a bad label changes nothing.
    const a = new M({ seed: 2 }), b = new M({ seed: 2 });
    const x = new Float32Array([0.1, 0.2, -0.3, 0.4]);
    const la = a.lossAndGrads!({ x: new Float32Array([...x, 9, 9]), n: new Int32Array([2]), tags: new Int32Array([1, 2, 99]) }, { batch: 1, T: 3 });
    const lb = b.lossAndGrads!({ x, n: new Int32Array([2]), tags: new Int32Array([1, 2]) }, { batch: 1, T: 2 });
    expect(la).toBeCloseTo(lb, 12);
    for (const name of Object.keys(a.grads!)) expect(Array.from(a.grads![name]!), name).toEqual(Array.from(b.grads![name]!));
  });
});

describe("recurrent layers: initial state from another value", () => {
  // The initial state comes from a dense layer over a second input, so its
  // gradient (which flows back through `initial:`) reaches checked parameters.
  for (const layer of ["rnn(3", "lstm(3", "gru(3"])
    for (const opts of ["", ", sequences: true", ", reverse: true", ", sequences: true, lengths: n"]) {
      const call = `${layer}, initial: h0${opts})`;
      it(`gradient check: ${call}`, () => {
        const seq = opts.includes("sequences");
        const lengths = opts.includes("lengths");
        const src = `model M {\n  input x: f32[T, 2]\n  input z: f32[4]\n${lengths ? "  input n: i32\n" : ""}  target label: i32${seq ? "[T]" : ""}\n  h0 = z -> dense(3) -> tanh\n  logits = x -> ${call} -> dense(2)\n  output logits\n  loss cross_entropy(logits, label${lengths ? ", lengths: n" : ""})\n}`;
        const M = compileModel(src);
        const dims = { batch: 2, T: 4 };
        const inputs = makeInputs(M, dims, { label: 2 });
        if (lengths) inputs.n = Int32Array.from([4, 2]);
        const { worst, where } = gradCheck(M, inputs, dims, { h: 1e-2 });
        expect(worst, where).toBeLessThan(2e-2);
      });
    }

  it("rnn: h starts at the given state, h = tanh(x·W + h'·U + b)", () => {
    const M = compileModel("model M {\n  input x: f32[T, 1]\n  input s: f32[1]\n  output y = x -> rnn(1, sequences: true, initial: s)\n}");
    const m = new M();
    m.params["rnn_1.kernel"]!.set([0.5]);
    m.params["rnn_1.recurrent"]!.set([0.8]);
    m.params["rnn_1.bias"]!.set([0.1]);
    const y = m.forward({ x: Float32Array.from([1, -1, 1, -1]), s: Float32Array.from([0.7, -0.3]) }, { batch: 2, T: 2 }).y!;
    const expected: number[] = [];
    for (const [h0, xs] of [[0.7, [1, -1]], [-0.3, [1, -1]]] as const) {
      let h: number = h0;
      for (const v of xs) expected.push((h = Math.tanh(0.5 * v + 0.8 * h + 0.1)));
    }
    expected.forEach((e, i) => expect(y[i]).toBeCloseTo(e, 6));
  });
});
