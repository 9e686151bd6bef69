// Code for multi-head scaled dot-product attention (spec §5): projections as
// products over all rows, then per example and head the scores and the
// weighted sum as strided products over the head's columns, with the
// softmax (and causal and length masks) as loops between them; the output
// projection is one more product. Training keeps Q, K, V, the attention weights and
// the heads' concatenated output for the backward pass.
import type { KernelBuilder } from "../codegen/kernel.ts";
import type { LayerEmit } from "./layer.ts";
import { biasGradLoop } from "./emit-helpers.ts";
import { product } from "../shapes/dim.ts";

function geometry(k: KernelBuilder) {
  const lengthsIndex = typeof k.options.lengths === "number" ? k.options.lengths : undefined;
  // Tensor inputs: the query, then keys/values for cross-attention; a lengths tensor comes last.
  const cross = k.op.inputs.length - (lengthsIndex === undefined ? 0 : 1) > 1;
  const q = k.op.inputs[0]!;
  const kv = k.op.inputs[cross ? 1 : 0]!;
  const d = k.static(q.shape[1]!);
  const heads = k.options.heads as number;
  const lengths = lengthsIndex === undefined ? undefined : k.input(lengthsIndex).name;
  const S = k.dim(kv.shape[0]!);
  // Keys a query may look at: all S, the first lengths[b] (padded keys masked), and with causal only s ≤ t.
  const keys = lengths ? `${lengths}[b]` : S;
  const visible = k.options.causal ? (lengths ? `Math.min(t + 1, ${keys})` : "t + 1") : keys;
  return { T: k.dim(q.shape[0]!), S, keys, causal: !!k.options.causal, Td: product([q.shape[0]!]), Sd: product([kv.shape[0]!]), d, heads, kd: d / heads, visible, lengths, cross };
}

function buffers(k: KernelBuilder) {
  const g = geometry(k);
  return {
    ...g,
    Q: k.aux("q", g.Td.mul(g.d)),
    K: k.aux("k", g.Sd.mul(g.d)),
    V: k.aux("v", g.Sd.mul(g.d)),
    P: k.aux("weights", g.Td.mul(g.Sd).mul(g.heads)),
    O: k.aux("heads", g.Td.mul(g.d)),
  };
}

export const attentionEmit: LayerEmit = {
  forward(k) {
    const { T, S, d, heads, kd, visible: visibleKeys, keys, causal, lengths, cross, Q, K, V, P, O } = buffers(k);
    const q = k.input(0).name;
    const kv = cross ? k.input(1).name : q;
    const scale = 1 / Math.sqrt(kd);
    if (lengths) {
      const who = JSON.stringify(k.op.inputs[k.options.lengths as number]!.label);
      k.line(`for (let b = 0; b < ${k.B}; b++) if (!(${lengths}[b] >= 1 && ${lengths}[b] <= ${S})) rt.badLength("attention", ${who}, ${lengths}[b], b, ${S});`);
    }
    k.line(`rt.gemm(${k.B} * ${T}, ${d}, ${d}, ${q}, ${k.param("query.kernel")}, ${Q}, ${k.param("query.bias")}, 0, false);`);
    k.line(`rt.gemm(${k.B} * ${S}, ${d}, ${d}, ${kv}, ${k.param("key.kernel")}, ${K}, ${k.param("key.bias")}, 0, false);`);
    k.line(`rt.gemm(${k.B} * ${S}, ${d}, ${d}, ${kv}, ${k.param("value.kernel")}, ${V}, ${k.param("value.bias")}, 0, false);`);
    // Per example and head: scores Q·Kᵀ and the weighted sum P·V as strided products over the head's columns.
    k.code(`
      for (let b = 0; b < ${k.B}; b++) for (let h = 0; h < ${heads}; h++) {
        const hc = h * ${kd}, qb = b * ${T} * ${d} + hc, kb = b * ${S} * ${d} + hc, pb = (b * ${heads} + h) * ${T} * ${S};
        rt.gemmTransBStrided(${T}, ${kd}, ${S}, ${Q}, qb, ${d}, ${K}, kb, ${d}, ${P}, pb, ${S}, false);
        if (!rt.softmaxRows(${P}, pb, ${T}, ${S}, ${scale}, ${keys}, ${causal})) for (let t = 0; t < ${T}; t++) {
          const po = pb + t * ${S};
          const visible = ${visibleKeys};
          let m = -Infinity;
          for (let s = 0; s < visible; s++) { const a = ${P}[po + s] * ${scale}; ${P}[po + s] = a; if (a > m) m = a; }
          let sum = 0;
          for (let s = 0; s < visible; s++) { const e = Math.exp(${P}[po + s] - m); ${P}[po + s] = e; sum += e; }
          const inv = 1 / sum;
          for (let s = 0; s < visible; s++) ${P}[po + s] *= inv;
          for (let s = visible; s < ${S}; s++) ${P}[po + s] = 0;
        }
        rt.gemmStrided(${T}, ${S}, ${kd}, ${P}, pb, ${S}, ${V}, kb, ${d}, ${O}, qb, ${d}, false);
      }
    `);
    k.line(`rt.gemm(${k.B} * ${T}, ${d}, ${d}, ${O}, ${k.param("output.kernel")}, ${k.output.name}, ${k.param("output.bias")}, 0, false);`);
  },

  backward(k) {
    const { T, S, Sd, Td, d, heads, kd, visible: visibleKeys, keys, causal, cross, Q, K, V, P, O } = buffers(k);
    const q = k.input(0).name;
    const kv = cross ? k.input(1).name : q;
    const dy = k.outputGrad;
    const scale = 1 / Math.sqrt(kd);
    const dO = k.aux("dheads", Td.mul(d));
    const dQ = k.aux("dq", Td.mul(d));
    const dK = k.aux("dk", Sd.mul(d));
    const dV = k.aux("dv", Sd.mul(d));
    const dP = k.aux("dweights", Td.mul(Sd)); // score gradients of one head at a time, per example
    const biasGrad = (name: string, src: string, rows: string) => biasGradLoop(k, src, rows, d, name);
    // Output projection.
    k.line(`rt.gemmTransA(${d}, ${k.B} * ${T}, ${d}, ${O}, ${dy}, ${k.paramGrad("output.kernel")}, false);`);
    biasGrad("output.bias", dy, `${k.B} * ${T}`);
    k.line(`rt.gemmTransB(${k.B} * ${T}, ${d}, ${d}, ${dy}, ${k.param("output.kernel")}, ${dO}, false);`);
    // Through the weighted sum and the softmax, per example and head, as strided products:
    // dP = dO·Vᵀ, dV = Pᵀ·dO, dS = P ⊙ (dP − rowsum(dP ⊙ P))·scale, dQ = dS·K, dK = dSᵀ·Q.
    // Each (example, head) block of dQ, dK and dV is written once, so the products overwrite.
    k.code(`
      for (let b = 0; b < ${k.B}; b++) for (let h = 0; h < ${heads}; h++) {
        const hc = h * ${kd}, qb = b * ${T} * ${d} + hc, kb = b * ${S} * ${d} + hc, pb = (b * ${heads} + h) * ${T} * ${S}, sb = b * ${T} * ${S};
        rt.gemmTransBStrided(${T}, ${kd}, ${S}, ${dO}, qb, ${d}, ${V}, kb, ${d}, ${dP}, sb, ${S}, false);
        rt.gemmTransAStrided(${S}, ${T}, ${kd}, ${P}, pb, ${S}, ${dO}, qb, ${d}, ${dV}, kb, ${d}, false);
        if (!rt.softmaxRowsGrad(${dP}, sb, ${P}, pb, ${T}, ${S}, ${scale}, ${keys}, ${causal})) for (let t = 0; t < ${T}; t++) {
          const po = pb + t * ${S}, so = sb + t * ${S};
          const visible = ${visibleKeys};
          let dot = 0;
          for (let s = 0; s < visible; s++) dot += ${dP}[so + s] * ${P}[po + s];
          for (let s = 0; s < visible; s++) ${dP}[so + s] = ${P}[po + s] * (${dP}[so + s] - dot) * ${scale};
          for (let s = visible; s < ${S}; s++) ${dP}[so + s] = 0;
        }
        rt.gemmStrided(${T}, ${S}, ${kd}, ${dP}, sb, ${S}, ${K}, kb, ${d}, ${dQ}, qb, ${d}, false);
        rt.gemmTransAStrided(${S}, ${T}, ${kd}, ${dP}, sb, ${S}, ${Q}, qb, ${d}, ${dK}, kb, ${d}, false);
      }
    `);
    // Input projections: weights, biases, and the inputs' gradients (q and kv are one tensor in self-attention).
    const rowsQ = `${k.B} * ${T}`;
    const rowsS = `${k.B} * ${S}`;
    k.line(`rt.gemmTransA(${d}, ${rowsQ}, ${d}, ${q}, ${dQ}, ${k.paramGrad("query.kernel")}, false);`);
    biasGrad("query.bias", dQ, rowsQ);
    k.line(`rt.gemmTransA(${d}, ${rowsS}, ${d}, ${kv}, ${dK}, ${k.paramGrad("key.kernel")}, false);`);
    biasGrad("key.bias", dK, rowsS);
    k.line(`rt.gemmTransA(${d}, ${rowsS}, ${d}, ${kv}, ${dV}, ${k.paramGrad("value.kernel")}, false);`);
    biasGrad("value.bias", dV, rowsS);
    const dq = k.inputGrad(0);
    const dkv = cross ? k.inputGrad(1) : dq;
    const firstKv = cross ? k.assign(1) === "+=" : true;
    if (dq) k.line(`rt.gemmTransB(${rowsQ}, ${d}, ${d}, ${dQ}, ${k.param("query.kernel")}, ${dq}, ${k.assign(0) === "+="});`);
    if (dkv) {
      k.line(`rt.gemmTransB(${rowsS}, ${d}, ${d}, ${dK}, ${k.param("key.kernel")}, ${dkv}, ${firstKv});`);
      k.line(`rt.gemmTransB(${rowsS}, ${d}, ${d}, ${dV}, ${k.param("value.kernel")}, ${dkv}, true);`);
    }
  },
};
