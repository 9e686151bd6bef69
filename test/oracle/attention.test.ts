// attention against TensorFlow.js (see oracle.ts for the method and the
// error measure): self-attention with one and several heads, causal, and
// cross-attention `attention(q, kv, heads:)` with S ≠ T, over symbolic
// lengths; then the transformer encoder block of examples/transformer.nn.
// The reference is spec §5's equations in tf ops:
//   Q = q·Wq + bq, K = kv·Wk + bk, V = kv·Wv + bv; head h uses features
//   [h·k, (h+1)·k) with k = d / H; A_h = softmax(Q_h K_hᵀ / √k) over the key
//   axis (causal: step t sees only s ≤ t); out = concat_h(A_h V_h) · Wo + bo.
// Outputs, the mean loss and every parameter gradient are compared. (The
// key bias's gradient is zero in exact arithmetic — it shifts every score of
// a query by the same amount — so both sides give float32 noise there, well
// under oracle.ts's absolute floor; it is usually the "worst" finding.)
import { beforeAll, describe, expect, it } from "vitest";
import * as o from "./oracle.ts";
import { tf, type OracleCase, type Tensors } from "./oracle.ts";

beforeAll(o.useCpuBackend);

/** Spec §5 attention for the layer named `name`: q [B, T, d], kv [B, S, d] → [B, T, d]. */
function attention(p: Tensors, name: string, q: tf.Tensor, kv: tf.Tensor, heads: number, causal = false): tf.Tensor {
  const proj = (x: tf.Tensor, w: string) => o.dense(x, p[`${name}.${w}.kernel`]!, p[`${name}.${w}.bias`]);
  const [, T, d] = q.shape as [number, number, number];
  const S = kv.shape[1]!;
  const k = d / heads;
  const Q = proj(q, "query");
  const K = proj(kv, "key");
  const V = proj(kv, "value");
  // 0 where key s may be seen from query t, −1e9 (exp underflows to exactly 0) where it may not.
  const mask = causal ? tf.tensor2d(Array.from({ length: T * S }, (_, i) => (i % S <= Math.floor(i / S) ? 0 : -1e9)), [T, S]) : undefined;
  const outs: tf.Tensor[] = [];
  for (let h = 0; h < heads; h++) {
    const slice = (t: tf.Tensor) => tf.slice(t, [0, 0, h * k], [-1, -1, k]) as tf.Tensor3D;
    let scores: tf.Tensor = tf.div(tf.matMul(slice(Q), slice(K), false, true), Math.sqrt(k)); // [B, T, S]
    if (mask) scores = tf.add(scores, mask);
    outs.push(tf.matMul(tf.softmax(scores) as tf.Tensor3D, slice(V)));
  }
  return proj(tf.concat(outs, -1), "output");
}

const pre = (p: Tensors, x: tf.Tensor, name = "pre") => o.dense(x, p[`${name}.kernel`]!, p[`${name}.bias`]);

/** `h = <body>` then a per-step classifier head (labels i32[T]), so every query position carries loss. */
function perStep(name: string, inputs: string, body: string, ref: (p: Tensors, x: Tensors) => tf.Tensor, dims: Record<string, number> = { T: 5 }): OracleCase {
  return {
    name,
    source: `model M {
${inputs}
  target label: i32[T]
  h = ${body}
  logits = h -> dense(3) as head
  output h
  output logits
  loss cross_entropy(logits, label)
}`,
    dims,
    reference(p, x) {
      const h = ref(p, x);
      const logits = o.dense(h, p["head.kernel"]!, p["head.bias"]);
      return { outputs: { h, logits }, loss: o.crossEntropy(logits, x.label!) };
    },
  };
}

/** Inserts binding lines before `h = …`. */
function withBinding(c: OracleCase, ...lines: string[]): OracleCase {
  return { ...c, source: c.source.replace("  h = ", `${lines.map((l) => `  ${l}\n`).join("")}  h = `) };
}

/** Registers the case at its own size and at a realistic one (o.atScale). */
function check(c: OracleCase): void {
  for (const sized of [c, o.atScale(c)])
    it(sized.name, () => {
      const findings = o.runOracle(sized);
      expect(findings.length).toBeGreaterThan(0);
      expect(o.failures(findings), sized.source).toBe("");
    });
}

describe("attention vs TF.js", () => {
  for (const [heads, d] of [[1, 4], [2, 6], [3, 6]] as const) {
    check(perStep(`self, heads: ${heads}, d = ${d}`, "  input x: f32[T, 3]", `x -> dense(${d}) as pre -> attention(heads: ${heads})`, (p, x) => attention(p, "attention_1", pre(p, x.x!), pre(p, x.x!), heads)));
    check(
      perStep(`causal self, heads: ${heads}, d = ${d}`, "  input x: f32[T, 3]", `x -> dense(${d}) as pre -> attention(heads: ${heads}, causal: true)`, (p, x) =>
        attention(p, "attention_1", pre(p, x.x!), pre(p, x.x!), heads, true),
      ),
    );
  }
  check(perStep("self on a model input, named (as att)", "  input x: f32[T, 4]", "x -> attention(heads: 2) as att", (p, x) => attention(p, "att", x.x!, x.x!, 2)));
  check(
    withBinding(
      perStep("self with a residual, heads: 2", "  input x: f32[T, 3]", "a + (a -> attention(heads: 2))", (p, x) => {
        const a = pre(p, x.x!);
        return tf.add(a, attention(p, "attention_1", a, a, 2));
      }),
      "a = x -> dense(4) as pre",
    ),
  );
  for (const [heads, S] of [[2, 3], [2, 7], [1, 4]] as const) {
    check(
      withBinding(
        perStep(`cross attention(q, kv, heads: ${heads}), T = 5, S = ${S}`, "  input x: f32[T, 3]\n  input m: f32[S, 5]", `attention(q, kv, heads: ${heads})`, (p, x) => attention(p, "attention_1", pre(p, x.x!), pre(p, x.m!, "mem"), heads), { T: 5, S }),
        "q = x -> dense(4) as pre",
        "kv = m -> dense(4) as mem",
      ),
    );
  }
});

describe("transformer encoder block vs TF.js", () => {
  // The EncoderLayer block of examples/transformer.nn, verbatim.
  const block = `block EncoderLayer(d, heads = 4, hidden = 128) {
  input x: f32[T, d]
  attended = x + (x -> attention(heads: heads)) -> layernorm
  output y = attended + (attended -> dense(hidden) -> gelu -> dense(d)) -> layernorm
}`;
  /** The block in tf ops; `n` is the instance's prefix (encoder_layer_1, …). */
  const encoder = (p: Tensors, n: string, x: tf.Tensor, heads: number) => {
    const ln = (t: tf.Tensor, which: string) => o.layernorm(t, p[`${n}.${which}.gamma`]!, p[`${n}.${which}.beta`]!);
    const attended = ln(tf.add(x, attention(p, `${n}.attention_1`, x, x, heads)), "layernorm_1");
    const ff = pre(p, o.gelu(pre(p, attended, `${n}.dense_1`)), `${n}.dense_2`);
    return ln(tf.add(attended, ff), "layernorm_2");
  };
  check({
    name: "embedding → EncoderLayer(8, heads: 2) → EncoderLayer(8, heads: 4) → mean → dense(2)",
    source: `${block}

model M {
  input tokens: i32[T]
  target label: i32
  encoded = tokens
    -> embedding(11, 8) as emb
    -> EncoderLayer(8, heads: 2, hidden: 12)
    -> EncoderLayer(8, heads: 4, hidden: 12)
  logits = encoded -> mean(axis: 0) -> dense(2) as head
  output encoded
  output logits
  loss cross_entropy(logits, label)
}`,
    dims: { T: 5 },
    ints: { tokens: 11, label: 2 },
    reference(p, x) {
      const e = tf.gather(p["emb.table"]!, x.tokens!);
      const encoded = encoder(p, "encoder_layer_2", encoder(p, "encoder_layer_1", e, 2), 4);
      const logits = o.dense(tf.mean(encoded, 1), p["head.kernel"]!, p["head.bias"]);
      return { outputs: { encoded, logits }, loss: o.crossEntropy(logits, x.label!) };
    },
  });
  check({
    name: "f32 input → dense → EncoderLayer(6, heads: 3), per-step head",
    source: `${block}

model M {
  input x: f32[T, 3]
  target label: i32[T]
  encoded = x -> dense(6) as pre -> EncoderLayer(6, heads: 3, hidden: 10)
  logits = encoded -> dense(3) as head
  output encoded
  output logits
  loss cross_entropy(logits, label)
}`,
    dims: { T: 4 },
    reference(p, x) {
      const encoded = encoder(p, "encoder_layer_1", pre(p, x.x!), 3);
      const logits = o.dense(encoded, p["head.kernel"]!, p["head.bias"]);
      return { outputs: { encoded, logits }, loss: o.crossEntropy(logits, x.label!) };
    },
  });
});
