// Every layer with generated code against TensorFlow.js (see oracle.ts for
// the method and the error measure). Each model computes `h` with the layer
// under test, then a classifier head (`flatten -> dense(3) as head` and
// cross-entropy), so the forward check sees the layer's own output and the
// gradient check reaches the layer's parameters and, through its input
// gradient, the parameters before it.
import { beforeAll, describe, expect, it } from "vitest";
import * as o from "./oracle.ts";
import { tf, type OracleCase, type Tensors } from "./oracle.ts";

beforeAll(o.useCpuBackend);

type Chain = (p: Tensors, x: Tensors) => tf.Tensor;

/**
 * A model whose `h = <body>` (after optional `bindings` lines), then the head
 * and cross-entropy on `label`. With `overTime`, h is [T, …] over a symbolic
 * T and the head takes its mean over time instead of flattening it (a mean,
 * not a max: TF.js sends a max's gradient to every tied element, nnc to the
 * first, and overlapping pools make ties).
 */
function classifier(name: string, inputs: string, body: string, ref: Chain, extra: Partial<OracleCase> & { bindings?: string[]; overTime?: boolean } = {}): OracleCase {
  const { bindings = [], overTime = false, ...rest } = extra;
  const source = `model M {
${inputs}
  target label: i32
${bindings.map((b) => `  ${b}\n`).join("")}  h = ${body}
  logits = h -> ${overTime ? "mean(axis: 0) -> flatten" : "flatten"} -> dense(3) as head
  output h
  output logits
  loss cross_entropy(logits, label)
}`;
  return {
    name,
    source,
    ...rest,
    reference(p, x) {
      const h = ref(p, x);
      const logits = o.dense(o.flatten(overTime ? tf.mean(h, 1) : h), p["head.kernel"]!, p["head.bias"]);
      return { outputs: { h, logits }, loss: o.crossEntropy(logits, x.label!) };
    },
  };
}

const pre = (p: Tensors, x: tf.Tensor) => o.dense(x, p["pre.kernel"]!, p["pre.bias"]);
const act = {
  relu: (t: tf.Tensor) => tf.relu(t),
  tanh: (t: tf.Tensor) => tf.tanh(t),
  sigmoid: (t: tf.Tensor) => tf.sigmoid(t),
  leaky: (alpha: number) => (t: tf.Tensor) => tf.leakyRelu(t, alpha),
  none: (t: tf.Tensor) => t,
};

/** Registers the case at its own size and at a realistic one (o.atScale). */
function check(c: OracleCase): void {
  for (const sized of [c, o.atScale(c)])
    it(sized.name, () => {
      const findings = o.runOracle(sized);
      expect(findings.length).toBeGreaterThan(0);
      expect(o.failures(findings), sized.source).toBe("");
    });
}

describe("dense vs TF.js", () => {
  const d = (p: Tensors, x: tf.Tensor) => o.dense(x, p["d.kernel"]!, p["d.bias"]);
  check(classifier("dense with bias", "  input x: f32[5]", "x -> dense(4) as d", (p, x) => d(p, x.x!)));
  check(classifier("dense without bias, on [3, 5]", "  input x: f32[3, 5]", "x -> dense(4, bias: false) as d", (p, x) => d(p, x.x!)));
  check(classifier("dense on [T, n] (symbolic T = 4)", "  input x: f32[T, 5]", "x -> dense(6) as d -> tanh -> mean(axis: 0)", (p, x) => tf.mean(tf.tanh(d(p, x.x!)), 1), { dims: { T: 4 } }));
  check(classifier("dense on [2, 3, 5], specialised dims", "  input x: f32[2, 3, 5]", "x -> dense(4) as d -> relu", (p, x) => tf.relu(d(p, x.x!)), { specialize: true }));
  for (const [a, f] of [["relu", act.relu], ["tanh", act.tanh], ["sigmoid", act.sigmoid], ["leaky_relu", act.leaky(0.01)], ["leaky_relu(alpha: 0.2)", act.leaky(0.2)]] as const) {
    check(classifier(`dense + ${a} (fused)`, "  input x: f32[7]", `x -> dense(6) as d -> ${a}`, (p, x) => f(d(p, x.x!))));
    check(classifier(`dense without bias + ${a} (fused)`, "  input x: f32[2, 7]", `x -> dense(5, bias: false) as d -> ${a}`, (p, x) => f(d(p, x.x!))));
  }
  check(classifier("dense batch 1", "  input x: f32[5]", "x -> dense(4) as d -> relu", (p, x) => tf.relu(d(p, x.x!)), { batch: 1 }));
  check(classifier("dense batch 9 (odd rows for a blocked product)", "  input x: f32[13]", "x -> dense(11) as d -> relu", (p, x) => tf.relu(d(p, x.x!)), { batch: 9 }));
});

describe("conv1d/2d/3d vs TF.js", () => {
  interface ConvCase {
    input: string;
    layer: string;
    opts: { stride?: number | number[]; dilation?: number | number[]; padding?: o.Padding };
    bias?: boolean;
    act?: [string, (t: tf.Tensor) => tf.Tensor];
    /** Put a dense before the conv, so the conv's input gradient is checked too. */
    pre?: number;
  }
  const cases: ConvCase[] = [
    { input: "f32[9, 2]", layer: "conv1d(3, kernel: 3)", opts: {} },
    { input: "f32[9, 2]", layer: "conv1d(3, kernel: 3, stride: 2)", opts: { stride: 2 }, pre: 3 },
    { input: "f32[8, 2]", layer: "conv1d(3, kernel: 3, padding: same, dilation: 2)", opts: { padding: "same", dilation: 2 }, pre: 2 },
    { input: "f32[8, 2]", layer: "conv1d(2, kernel: 4, stride: 2, padding: same)", opts: { stride: 2, padding: "same" }, pre: 2 },
    { input: "f32[7, 3]", layer: "conv1d(2, kernel: 4, padding: same)", opts: { padding: "same" }, pre: 3, act: ["relu", act.relu] },
    { input: "f32[9, 2]", layer: "conv1d(3, kernel: 3, stride: 2, padding: 2)", opts: { stride: 2, padding: 2 }, pre: 2 },
    { input: "f32[11, 2]", layer: "conv1d(2, kernel: 3, stride: 2, dilation: 2)", opts: { stride: 2, dilation: 2 }, pre: 2 },
    { input: "f32[11, 2]", layer: "conv1d(2, kernel: 2, stride: 3, dilation: 3, padding: same)", opts: { stride: 3, dilation: 3, padding: "same" }, pre: 2 },
    { input: "f32[6, 2]", layer: "conv1d(4, kernel: 2, bias: false)", opts: {}, bias: false, pre: 2, act: ["tanh", act.tanh] },
    { input: "f32[5, 5, 2]", layer: "conv2d(3, kernel: 3, padding: same)", opts: { padding: "same" }, pre: 2, act: ["relu", act.relu] },
    { input: "f32[6, 6, 1]", layer: "conv2d(2, kernel: (3, 2), stride: 2, padding: 1)", opts: { stride: 2, padding: 1 }, pre: 2 },
    { input: "f32[7, 6, 2]", layer: "conv2d(3, kernel: (3, 2), stride: (2, 1))", opts: { stride: [2, 1] }, pre: 2, act: ["sigmoid", act.sigmoid] },
    { input: "f32[6, 5, 2]", layer: "conv2d(2, kernel: 3, padding: (1, 0))", opts: { padding: [1, 0] }, pre: 2 },
    { input: "f32[8, 7, 1]", layer: "conv2d(2, kernel: (4, 3), stride: 2, padding: same)", opts: { stride: 2, padding: "same" }, pre: 2, act: ["leaky_relu(alpha: 0.1)", act.leaky(0.1)] },
    { input: "f32[7, 7, 2]", layer: "conv2d(3, kernel: 3, dilation: (2, 1), padding: same)", opts: { dilation: [2, 1], padding: "same" }, pre: 2, act: ["tanh", act.tanh] },
    { input: "f32[9, 9, 1]", layer: "conv2d(2, kernel: 2, stride: 2, dilation: 2)", opts: { stride: 2, dilation: 2 }, pre: 2 },
    { input: "f32[6, 6, 3]", layer: "conv2d(5, kernel: 5, padding: same, bias: false)", opts: { padding: "same" }, bias: false, act: ["relu", act.relu] },
    { input: "f32[3, 4, 4, 1]", layer: "conv3d(2, kernel: 2, padding: same)", opts: { padding: "same" }, pre: 2, act: ["tanh", act.tanh] },
    { input: "f32[5, 5, 4, 2]", layer: "conv3d(3, kernel: (3, 2, 2), stride: 2)", opts: { stride: 2 }, pre: 2 },
    { input: "f32[5, 5, 5, 1]", layer: "conv3d(2, kernel: 2, dilation: 2)", opts: { dilation: 2 }, pre: 2, act: ["relu", act.relu] },
    { input: "f32[3, 4, 3, 2]", layer: "conv3d(2, kernel: 3, padding: 1)", opts: { padding: 1 }, pre: 2 },
    { input: "f32[4, 5, 5, 1]", layer: "conv3d(2, kernel: 2, stride: (1, 2, 2), padding: same)", opts: { stride: [1, 2, 2], padding: "same" }, pre: 1 },
  ];
  for (const c of cases) {
    const body = `x${c.pre ? ` -> dense(${c.pre}) as pre` : ""} -> ${c.layer.replace(/\)$/, ") as conv")}${c.act ? ` -> ${c.act[0]}` : ""}`;
    const ref: Chain = (p, x) => {
      const input = c.pre ? pre(p, x.x!) : x.x!;
      const y = o.conv(input, p["conv.kernel"]!, c.bias === false ? undefined : p["conv.bias"], c.opts);
      return c.act ? c.act[1](y) : y;
    };
    const name = `${c.layer}${c.act ? ` -> ${c.act[0]}` : ""} on ${c.input}${c.pre ? " (after a dense)" : ""}`;
    check(classifier(name, `  input x: ${c.input}`, body, ref));
    // The first axis symbolic too: the output length is then a formula of T (`T - 2`, `ceil(T/2)`, …).
    const [first, ...rest] = c.input.slice(4, -1).split(", ");
    check(classifier(name.replace(c.input, `f32[T, ${rest.join(", ")}] (T = ${first})`), `  input x: f32[T, ${rest.join(", ")}]`, body, ref, { dims: { T: Number(first) }, overTime: true }));
  }
});

describe("a TextCNN (Kim, 2014) vs TF.js: valid conv1d of widths 3, 4 and 5 over embeddings, max over time, concat", () => {
  const source = `model TextCNN {
  input sentence: i32[T]
  target label: i32
  words = sentence -> embedding(1000, 8) as emb
  trigrams = words -> conv1d(6, kernel: 3) as c3 -> relu -> max(axis: 0)
  fourgrams = words -> conv1d(6, kernel: 4) as c4 -> relu -> max(axis: 0)
  fivegrams = words -> conv1d(6, kernel: 5) as c5 -> relu -> max(axis: 0)
  logits = concat(trigrams, fourgrams, fivegrams) -> dense(2) as classifier
  output logits
  loss cross_entropy(logits, label)
}`;
  const textCnn = (name: string, batch: number, T: number, specialize = false): OracleCase => ({
    name,
    source,
    batch,
    dims: { T },
    specialize,
    // A vocabulary large enough that no n-gram repeats within a sentence: a
    // repeat ties the max over time, whose gradient TF.js splits differently.
    ints: { sentence: 1000, label: 2 },
    reference(p, x) {
      const words = tf.gather(p["emb.table"]!, x.sentence!);
      const feature = (k: number) => tf.max(tf.relu(o.conv(words, p[`c${k}.kernel`]!, p[`c${k}.bias`], {})), 1);
      const logits = o.dense(tf.concat([feature(3), feature(4), feature(5)], 1), p["classifier.kernel"]!, p["classifier.bias"]);
      return { outputs: { logits }, loss: o.crossEntropy(logits, x.label!) };
    },
  });
  // T = 5 is the smallest legal length: the width-5 filters see one window.
  check(textCnn("batch 2, T = 5 (the smallest legal T)", 2, 5));
  check(textCnn("batch 1, T = 5", 1, 5));
  check(textCnn("batch 64, T = 67", 64, 67));
  check(textCnn("batch 33, T = 9, specialised", 33, 9, true));
});

describe("max/avg pooling vs TF.js", () => {
  interface PoolCase {
    input: string;
    kind: "max" | "avg";
    rank: 1 | 2 | 3;
    args: string;
    size: number | number[];
    opts: { stride?: number | number[]; padding?: o.Padding };
  }
  const cases: PoolCase[] = [
    { input: "f32[8, 2]", kind: "max", rank: 1, args: "2", size: 2, opts: {} },
    { input: "f32[7, 2]", kind: "max", rank: 1, args: "3, stride: 2, padding: same", size: 3, opts: { stride: 2, padding: "same" } },
    { input: "f32[5, 2]", kind: "max", rank: 1, args: "2, stride: 1, padding: same", size: 2, opts: { stride: 1, padding: "same" } },
    { input: "f32[7, 2]", kind: "avg", rank: 1, args: "2, padding: same", size: 2, opts: { padding: "same" } },
    { input: "f32[6, 3]", kind: "avg", rank: 1, args: "3, stride: 1, padding: same", size: 3, opts: { stride: 1, padding: "same" } },
    { input: "f32[9, 1]", kind: "avg", rank: 1, args: "3, stride: 2", size: 3, opts: { stride: 2 } },
    { input: "f32[4, 4, 2]", kind: "max", rank: 2, args: "2", size: 2, opts: {} },
    { input: "f32[7, 6, 2]", kind: "max", rank: 2, args: "3, stride: 2, padding: same", size: 3, opts: { stride: 2, padding: "same" } },
    { input: "f32[5, 6, 1]", kind: "max", rank: 2, args: "(2, 3), stride: (1, 2)", size: [2, 3], opts: { stride: [1, 2] } },
    { input: "f32[5, 5, 1]", kind: "avg", rank: 2, args: "2, padding: same", size: 2, opts: { padding: "same" } },
    { input: "f32[6, 5, 2]", kind: "avg", rank: 2, args: "(3, 2), stride: (1, 2), padding: same", size: [3, 2], opts: { stride: [1, 2], padding: "same" } },
    { input: "f32[6, 6, 2]", kind: "avg", rank: 2, args: "3, stride: 3", size: 3, opts: { stride: 3 } },
    { input: "f32[2, 4, 4, 1]", kind: "max", rank: 3, args: "2", size: 2, opts: {} },
    { input: "f32[3, 5, 4, 1]", kind: "max", rank: 3, args: "2, padding: same", size: 2, opts: { padding: "same" } },
    { input: "f32[2, 4, 4, 1]", kind: "avg", rank: 3, args: "(2, 2, 2)", size: 2, opts: {} },
    { input: "f32[3, 5, 4, 2]", kind: "avg", rank: 3, args: "(2, 3, 2), stride: 2, padding: same", size: [2, 3, 2], opts: { stride: 2, padding: "same" } },
    // Integer padding is accepted by the checker for pools too (an extension of §5's valid|same).
    { input: "f32[5, 5, 1]", kind: "max", rank: 2, args: "3, stride: 2, padding: 1", size: 3, opts: { stride: 2, padding: 1 } },
    { input: "f32[5, 5, 1]", kind: "avg", rank: 2, args: "3, stride: 2, padding: 1", size: 3, opts: { stride: 2, padding: 1 } },
  ];
  for (const c of cases) {
    const layer = `${c.kind}pool${c.rank}d(${c.args})`;
    const ref: Chain = (p, x) => o.pool(c.kind, pre(p, x.x!), c.size, c.opts);
    check(classifier(`${layer} on ${c.input}`, `  input x: ${c.input}`, `x -> dense(3) as pre -> ${layer}`, ref));
    const [first, ...rest] = c.input.slice(4, -1).split(", ");
    check(classifier(`${layer} on f32[T, ${rest.join(", ")}] (T = ${first})`, `  input x: f32[T, ${rest.join(", ")}]`, `x -> dense(3) as pre -> ${layer}`, ref, { dims: { T: Number(first) }, overTime: true }));
  }
});

describe("activations vs TF.js", () => {
  const unfused: [string, (t: tf.Tensor) => tf.Tensor][] = [
    ["relu", act.relu],
    ["tanh", act.tanh],
    ["sigmoid", act.sigmoid],
    ["leaky_relu", act.leaky(0.01)],
    ["leaky_relu(alpha: 0.3)", act.leaky(0.3)],
    ["gelu", o.gelu],
    ["softmax", (t) => o.softmax(t, -1)],
    ["softmax(axis: -1)", (t) => o.softmax(t, -1)],
    ["softmax(axis: 0)", (t) => o.softmax(t, 0)],
    ["softmax(axis: 1)", (t) => o.softmax(t, 1)],
  ];
  for (const [a, f] of unfused) {
    // After an add, so nothing fuses the activation into a preceding layer.
    check(classifier(`${a} (standalone, after an add)`, "  input x: f32[2, 3, 5]", `(x -> dense(4) as pre) + (x -> dense(4) as pre2) -> ${a}`, (p, x) => f(tf.add(pre(p, x.x!), o.dense(x.x!, p["pre2.kernel"]!, p["pre2.bias"])))));
  }
  check(classifier("gelu directly after a dense", "  input x: f32[6]", "x -> dense(5) as pre -> gelu", (p, x) => o.gelu(pre(p, x.x!))));
  check(classifier("softmax directly after a dense", "  input x: f32[6]", "x -> dense(5) as pre -> softmax", (p, x) => o.softmax(pre(p, x.x!), -1)));
  check(classifier("activation directly on an input", "  input x: f32[6]", "x -> tanh -> dense(4) as pre", (p, x) => pre(p, tf.tanh(x.x!))));
  check(classifier("relu after a reshape", "  input x: f32[4, 6]", "x -> dense(6) as pre -> reshape(3, 8) -> relu", (p, x) => tf.relu(tf.reshape(pre(p, x.x!), [-1, 3, 8]))));
});

describe("dropout", () => {
  it("forward() is the identity (dropout inactive at inference)", async () => {
    await o.useCpuBackend();
    const { compileModel, makeInputs } = await import("../codegen/harness.ts");
    const M = compileModel(`model M {
  input x: f32[6]
  target label: i32
  h = x -> dense(5) as pre -> dropout(0.5)
  logits = h -> dropout(0.9) -> dense(3) as head
  output h
  output logits
  loss cross_entropy(logits, label)
}`);
    const m = new M({ seed: 2 });
    const data = makeInputs(M, { batch: 4 }, { label: 3 });
    const out = m.forward({ x: data.x! }, { batch: 4 });
    const want = tf.tidy(() => {
      const p = Object.fromEntries(Object.entries(m.params).map(([k, v]) => [k, tf.tensor(v, [...M.params[k]!])]));
      const h = o.dense(tf.tensor(data.x as Float32Array, [4, 6]), p["pre.kernel"]!, p["pre.bias"]);
      return { h: h.dataSync(), logits: o.dense(h, p["head.kernel"]!, p["head.bias"]).dataSync() };
    });
    expect(o.relErr(out.h!, want.h)).toBeLessThanOrEqual(o.TOLERANCE);
    expect(o.relErr(out.logits!, want.logits)).toBeLessThanOrEqual(o.TOLERANCE);
    // Training mode is random (rate 0.9 drops most units); inference is not.
    const again = m.forward({ x: data.x! }, { batch: 4 });
    expect(Array.from(again.logits!)).toEqual(Array.from(out.logits!));
  });
});

describe("shape layers vs TF.js", () => {
  check(classifier("flatten of a conv output", "  input x: f32[5, 4, 2]", "x -> conv2d(3, kernel: 2) as conv -> flatten", (p, x) => o.flatten(o.conv(x.x!, p["conv.kernel"]!, p["conv.bias"], {}))));
  check(classifier("reshape(2, -1)", "  input x: f32[6]", "x -> dense(8) as pre -> reshape(2, -1) -> tanh", (p, x) => tf.tanh(tf.reshape(pre(p, x.x!), [-1, 2, 4]))));
  check(classifier("reshape(3, 2, 2) then a dense on the last axis", "  input x: f32[4, 3]", "x -> reshape(3, 2, 2) -> dense(3) as pre", (p, x) => pre(p, tf.reshape(x.x!, [-1, 3, 2, 2]))));
});

describe("embedding, layernorm, reductions, last vs TF.js", () => {
  check(
    classifier("embedding(7, 4) on i32[T], mean over time", "  input w: i32[T]", "w -> embedding(7, 4) as emb -> mean(axis: 0)", (p, x) => tf.mean(tf.gather(p["emb.table"]!, x.w!), 1), { dims: { T: 5 }, ints: { w: 7 } }),
  );
  check(classifier("embedding(5, 3) on i32[2, 3]", "  input w: i32[2, 3]", "w -> embedding(5, 3) as emb", (p, x) => tf.gather(p["emb.table"]!, x.w!), { ints: { w: 5 }, batch: 4 }));
  check(classifier("embedding on a scalar i32", "  input w: i32", "w -> embedding(4, 6) as emb -> tanh", (p, x) => tf.tanh(tf.gather(p["emb.table"]!, x.w!)), { ints: { w: 4 }, batch: 5 }));
  check(classifier("layernorm on [2, 5]", "  input x: f32[2, 5]", "x -> dense(6) as pre -> layernorm as ln", (p, x) => o.layernorm(pre(p, x.x!), p["ln.gamma"]!, p["ln.beta"]!)));
  check(classifier("layernorm directly on an input", "  input x: f32[7]", "x -> layernorm as ln -> dense(4) as pre", (p, x) => pre(p, o.layernorm(x.x!, p["ln.gamma"]!, p["ln.beta"]!))));
  check(classifier("layernorm then tanh", "  input x: f32[3, 4]", "x -> dense(4) as pre -> layernorm as ln -> tanh", (p, x) => tf.tanh(o.layernorm(pre(p, x.x!), p["ln.gamma"]!, p["ln.beta"]!))));
  for (const [kind, axis, input] of [["mean", 0, "f32[4, 3]"], ["mean", -1, "f32[4, 3]"], ["mean", 1, "f32[2, 3, 4]"], ["max", 0, "f32[4, 3]"], ["max", -1, "f32[4, 3]"], ["max", 1, "f32[2, 3, 4]"], ["max", -2, "f32[2, 3, 4]"]] as const) {
    check(
      classifier(`${kind}(axis: ${axis}) on ${input}`, `  input x: ${input}`, `x -> dense(5) as pre -> ${kind}(axis: ${axis})`, (p, x) => {
        const h = pre(p, x.x!);
        return kind === "mean" ? tf.mean(h, o.tfAxis(h, axis)) : tf.max(h, o.tfAxis(h, axis));
      }),
    );
  }
  check(classifier("mean with a positional axis", "  input x: f32[3, 4]", "x -> dense(2) as pre -> mean(0)", (p, x) => tf.mean(pre(p, x.x!), 1)));
  check(
    classifier("last on [T, n]", "  input x: f32[T, 3]", "x -> dense(4) as pre -> tanh -> last", (p, x) => {
      const h = tf.tanh(pre(p, x.x!));
      return tf.squeeze(tf.slice(h, [0, h.shape[1]! - 1, 0], [-1, 1, -1]), [1]);
    }, { dims: { T: 4 } }),
  );
});

describe("arithmetic and concat vs TF.js", () => {
  /** Gives a per-example tensor `rank` per-example axes by inserting 1s after the batch (NumPy alignment of trailing axes). */
  const lift = (t: tf.Tensor, rank: number): tf.Tensor => (t.rank - 1 >= rank ? t : tf.reshape(t, [t.shape[0]!, ...Array(rank - (t.rank - 1)).fill(1), ...t.shape.slice(1)]));
  const bin = (f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (a: tf.Tensor, b: tf.Tensor) => {
    const r = Math.max(a.rank, b.rank) - 1;
    return f(lift(a, r), lift(b, r));
  };
  const add = bin(tf.add);
  const sub = bin(tf.sub);
  const mul = bin(tf.mul);
  const da = (p: Tensors, x: tf.Tensor) => o.dense(x, p["a.kernel"]!, p["a.bias"]);
  const db = (p: Tensors, x: tf.Tensor) => o.dense(x, p["b.kernel"]!, p["b.bias"]);
  const inputs = "  input x: f32[2, 5]\n  input y: f32[5]";
  check(classifier("a + b, same shapes", inputs, "(x -> dense(4) as a) + (x -> dense(4) as b)", (p, x) => add(da(p, x.x!), db(p, x.x!))));
  check(classifier("a - b, [2, 4] - [4]", inputs, "(x -> dense(4) as a) - (y -> dense(4) as b)", (p, x) => sub(da(p, x.x!), db(p, y(x)))));
  check(classifier("a * b, [2, 4] * [2, 1]", inputs, "(x -> dense(4) as a) * (x -> dense(1) as b)", (p, x) => mul(da(p, x.x!), db(p, x.x!))));
  check(classifier("a * b, [1] * [2, 4] (left side stretches)", inputs, "(y -> dense(1) as b) * (x -> dense(4) as a)", (p, x) => mul(db(p, y(x)), da(p, x.x!))));
  check(
    classifier("[2, 1, 4] + [3, 1] and a model input in the product", "  input x: f32[2, 1, 5]\n  input y: f32[3, 5]", "(x -> dense(4) as a) + (y -> dense(1) as b) * (y -> dense(1) as c)", (p, x) =>
      add(da(p, x.x!), mul(db(p, x.y!), o.dense(x.y!, p["c.kernel"]!, p["c.bias"]))),
    ),
  );
  check(classifier("(a - b) * c with an input operand", inputs, "((x -> dense(5) as a) - x) * (y -> dense(5) as b)", (p, x) => mul(sub(da(p, x.x!), x.x!), db(p, y(x)))));
  check(classifier("a1 * a1 (same operand twice)", inputs, "a1 * a1 -> tanh", (p, x) => tf.tanh(mul(da(p, x.x!), da(p, x.x!))), { bindings: ["a1 = x -> dense(4) as a"] }));
  check(classifier("a1 + a1 - a1 * y", inputs, "a1 + a1 - a1 * y", (p, x) => sub(add(da(p, x.x!), da(p, x.x!)), mul(da(p, x.x!), y(x))), { bindings: ["a1 = x -> dense(5) as a"] }));
  check(classifier("unary minus of an input", inputs, "-x -> dense(4) as a", (p, x) => da(p, tf.neg(x.x!))));
  check(classifier("unary minus of a layer, then +", inputs, "-(x -> dense(4) as a) + (x -> dense(4) as b)", (p, x) => add(tf.neg(da(p, x.x!)), db(p, x.x!))));
  check(classifier("concat on the last axis", inputs, "concat((x -> dense(3) as a), (x -> dense(2) as b))", (p, x) => tf.concat([da(p, x.x!), db(p, x.x!)], -1)));
  check(classifier("concat(axis: 0) of three", inputs, "concat((x -> dense(3) as a), (x -> dense(3) as b), (x -> dense(3) as c), axis: 0)", (p, x) => tf.concat([da(p, x.x!), db(p, x.x!), o.dense(x.x!, p["c.kernel"]!, p["c.bias"])], 1)));
  check(
    classifier("concat of bindings, same input twice, and of an input", "  input x: f32[2, 4]", "concat(concat(a1, b1, a1), x, axis: -1)", (p, x) => {
      const a1 = da(p, x.x!);
      return tf.concat([a1, db(p, x.x!), a1, x.x!], -1);
    }, { bindings: ["a1 = x -> dense(3) as a", "b1 = x -> dense(2) as b"] }),
  );
  check(
    classifier("concat(axis: 1) on [2, 3, k]", "  input x: f32[2, 3, 5]", "concat((x -> dense(3) as a), (x -> dense(3) as b), axis: 1)", (p, x) => tf.concat([da(p, x.x!), db(p, x.x!)], 2)),
  );
  function y(x: Tensors): tf.Tensor {
    return x.y!;
  }
});
