// Code for rnn, lstm and gru (spec §5 equations, gate order i f c o / z r h),
// trained by backpropagation through time. The input projection of every
// step is one product (X · kernel + bias for all B·T rows); the recurrent
// loop over T runs at run time with per-step products written as loops over
// the batch. Training keeps, per step, the gate activations, the state that
// fed the step and (lstm) the cell state, so the backward pass needs no
// recomputation.
import type { KernelBuilder } from "../codegen/kernel.ts";
import type { LayerEmit } from "./layer.ts";
import { Dim, product } from "../shapes/dim.ts";

type Kind = "rnn" | "lstm" | "gru";

function geometry(k: KernelBuilder, gates: number) {
  const [T, n] = k.op.inputs[0]!.shape;
  const u = k.options.units as number;
  return { T: k.dim(T!), n: k.static(n!), u, g: gates * u, perStep: product([T!]), sequences: !!k.options.sequences };
}

/**
 * One direction of the layer: which way it runs, the prefix of its
 * parameters and saved buffers, and where its state lands in each output row
 * (bidirectional layers write the forward state to columns [0, u) and the
 * reverse one to [u, 2u) of rows 2u wide).
 */
interface Direction {
  reverse: boolean;
  prefix: string;
  column: number;
  width: number;
}

function directions(k: KernelBuilder): Direction[] {
  const u = k.options.units as number;
  if (!k.options.bidirectional) return [{ reverse: !!k.options.reverse, prefix: "", column: 0, width: u }];
  return [
    { reverse: false, prefix: "", column: 0, width: 2 * u },
    { reverse: true, prefix: "reverse.", column: u, width: 2 * u },
  ];
}

/** Step s of the processing order as a time index (reverse runs T−1 … 0). */
const timeOf = (reverse: boolean, T: string, s: string) => (reverse ? `(${T} - 1 - ${s})` : s);

export function recurrentEmit(kind: Kind, gates: number): LayerEmit {
  const forwardDirection = (k: KernelBuilder, dir: Direction) => {
      const { T, n, u, g, perStep, sequences } = geometry(k, gates);
      const { reverse, prefix: px } = dir;
      const x = k.input(0).name;
      const W = k.param(`${px}kernel`);
      const U = k.param(`${px}recurrent`);
      const bias = k.param(`${px}bias`);
      const y = k.output.name;
      const aux = (name: string, size: Dim) => k.aux(`${px}${name}`, size);
      // pre: all steps' activations [B, T, g]; hp: the state feeding each step; c (lstm): cell state after each step; rh (gru): r ⊙ h'.
      const pre = aux("gates", perStep.mul(g));
      const hp = aux("hprev", perStep.mul(u));
      const cs = kind === "lstm" ? aux("cell", perStep.mul(u)) : "";
      const rh = kind === "gru" ? aux("rh", perStep.mul(u)) : "";
      const h = aux("h", Dim.const(u)); // the running state, one row per example
      const cPrev = kind === "lstm" ? aux("c", Dim.const(u)) : "";
      const act = kind === "rnn" && k.options.activation === "relu" ? (v: string) => `(${v} > 0 ? ${v} : 0)` : (v: string) => `Math.tanh(${v})`;
      k.line(`rt.gemm(${k.B} * ${T}, ${n}, ${g}, ${x}, ${W}, ${pre}, ${bias}, 0, false);`);
      k.line(`${h}.fill(0);`);
      if (cPrev) k.line(`${cPrev}.fill(0);`);
      const t = timeOf(reverse, T, "s");
      // The recurrent product of a step is one strided product over the batch: rows of `pre` for step t are T·g apart.
      const rec = (cols: number, from: string, fromOff: string, fromLd: string, uCol: number, preCol: number) =>
        `rt.gemmStrided(${k.B}, ${u}, ${cols}, ${from}, ${fromOff}, ${fromLd}, ${U}, ${uCol}, ${g}, ${pre}, t * ${g} + ${preCol}, ${T} * ${g}, true);`;
      let step: string;
      if (kind === "rnn") {
        step = `
          ${rec(u, h, "0", String(u), 0, 0)}
          for (let b = 0; b < ${k.B}; b++) {
            const o = (b * ${T} + t) * ${g}, hb = b * ${u};
            for (let j = 0; j < ${u}; j++) { const a = ${act(`${pre}[o + j]`)}; ${pre}[o + j] = a; ${h}[hb + j] = a; }
          }`;
      } else if (kind === "lstm") {
        step = `
          ${rec(g, h, "0", String(u), 0, 0)}
          for (let b = 0; b < ${k.B}; b++) {
            const o = (b * ${T} + t) * ${g}, so = (b * ${T} + t) * ${u}, hb = b * ${u};
            for (let j = 0; j < ${g}; j++) { const a = ${pre}[o + j]; ${pre}[o + j] = j >= ${2 * u} && j < ${3 * u} ? Math.tanh(a) : 1 / (1 + Math.exp(-a)); }
            for (let j = 0; j < ${u}; j++) {
              const c = ${cPrev}[hb + j] * ${pre}[o + ${u} + j] + ${pre}[o + ${2 * u} + j] * ${pre}[o + j];
              ${cPrev}[hb + j] = c;
              ${cs}[so + j] = c;
              ${h}[hb + j] = ${pre}[o + ${3 * u} + j] * Math.tanh(c);
            }
          }`;
      } else {
        step = `
          ${rec(2 * u, h, "0", String(u), 0, 0)}
          for (let b = 0; b < ${k.B}; b++) {
            const o = (b * ${T} + t) * ${g}, so = (b * ${T} + t) * ${u}, hb = b * ${u};
            for (let j = 0; j < ${2 * u}; j++) ${pre}[o + j] = 1 / (1 + Math.exp(-${pre}[o + j]));
            for (let p = 0; p < ${u}; p++) ${rh}[so + p] = ${pre}[o + ${u} + p] * ${h}[hb + p];
          }
          ${rec(u, rh, `t * ${u}`, `${T} * ${u}`, 2 * u, 2 * u)}
          for (let b = 0; b < ${k.B}; b++) {
            const o = (b * ${T} + t) * ${g}, hb = b * ${u};
            for (let j = 0; j < ${u}; j++) {
              const hh = Math.tanh(${pre}[o + ${2 * u} + j]), z = ${pre}[o + j];
              ${pre}[o + ${2 * u} + j] = hh;
              ${h}[hb + j] = z * ${h}[hb + j] + (1 - z) * hh;
            }
          }`;
      }
      k.code(`
        for (let s = 0; s < ${T}; s++) {
          const t = ${t};
          for (let b = 0; b < ${k.B}; b++) for (let p = 0; p < ${u}; p++) ${hp}[(b * ${T} + t) * ${u} + p] = ${h}[b * ${u} + p];
          ${step.trim()}
          ${sequences ? `for (let b = 0; b < ${k.B}; b++) for (let j = 0; j < ${u}; j++) ${y}[(b * ${T} + t) * ${dir.width} + ${dir.column} + j] = ${h}[b * ${u} + j];` : ""}
        }
      `);
      if (!sequences) k.line(`for (let b = 0; b < ${k.B}; b++) for (let j = 0; j < ${u}; j++) ${y}[b * ${dir.width} + ${dir.column} + j] = ${h}[b * ${u} + j];`);
  };

  /** Backpropagation through time for one direction; `accumulate`: another direction already wrote dx. */
  const backwardDirection = (k: KernelBuilder, dir: Direction, accumulate: boolean) => {
      const { T, n, u, g, perStep, sequences } = geometry(k, gates);
      const { reverse, prefix: px } = dir;
      const x = k.input(0).name;
      const W = k.param(`${px}kernel`);
      const U = k.param(`${px}recurrent`);
      const dy = k.outputGrad;
      const aux = (name: string, size: Dim) => k.aux(`${px}${name}`, size);
      const pre = aux("gates", perStep.mul(g));
      const hp = aux("hprev", perStep.mul(u));
      const cs = kind === "lstm" ? aux("cell", perStep.mul(u)) : "";
      const rh = kind === "gru" ? aux("rh", perStep.mul(u)) : "";
      // dh: gradient flowing into the state from later steps; dc (lstm) likewise for the cell; dpre: per-step pre-activation gradients.
      const dh = aux("dh", Dim.const(u));
      const dc = kind === "lstm" ? aux("dc", Dim.const(u)) : "";
      const dpre = aux("dgates", perStep.mul(g));
      const carry = kind === "gru" ? aux("carry", Dim.const(u)) : "";
      const gW = k.paramGrad(`${px}kernel`);
      const gU = k.paramGrad(`${px}recurrent`);
      const gb = k.paramGrad(`${px}bias`);
      const relu = kind === "rnn" && k.options.activation === "relu";
      k.line(`${dh}.fill(0);`);
      if (dc) k.line(`${dc}.fill(0);`);
      // The last processed step's state is the output when sequences is false.
      if (!sequences) k.line(`for (let b = 0; b < ${k.B}; b++) for (let j = 0; j < ${u}; j++) ${dh}[b * ${u} + j] = ${dy}[b * ${dir.width} + ${dir.column} + j];`);
      const t = timeOf(reverse, T, "s");
      let step: string;
      if (kind === "rnn") {
        step = `
            for (let j = 0; j < ${u}; j++) {
              const a = ${pre}[o + j];
              ${dpre}[o + j] = ${relu ? `a > 0 ? ${dh}[hb + j] : 0` : `${dh}[hb + j] * (1 - a * a)`};
            }`;
      } else if (kind === "lstm") {
        step = `
            for (let j = 0; j < ${u}; j++) {
              const i = ${pre}[o + j], f = ${pre}[o + ${u} + j], cc = ${pre}[o + ${2 * u} + j], og = ${pre}[o + ${3 * u} + j];
              const c = ${cs}[so + j], tc = Math.tanh(c);
              const cp = s > 0 ? ${cs}[(b * ${T} + ${timeOf(reverse, T, "(s - 1)")}) * ${u} + j] : 0;
              const d = ${dh}[hb + j];
              const dcell = ${dc}[hb + j] + d * og * (1 - tc * tc);
              ${dpre}[o + j] = dcell * cc * i * (1 - i);
              ${dpre}[o + ${u} + j] = dcell * cp * f * (1 - f);
              ${dpre}[o + ${2 * u} + j] = dcell * i * (1 - cc * cc);
              ${dpre}[o + ${3 * u} + j] = d * tc * og * (1 - og);
              ${dc}[hb + j] = dcell * f;
            }`;
      } else {
        step = `
            for (let j = 0; j < ${u}; j++) {
              const z = ${pre}[o + j], hh = ${pre}[o + ${2 * u} + j], d = ${dh}[hb + j];
              ${dpre}[o + j] = d * (${hp}[so + j] - hh) * z * (1 - z);
              ${dpre}[o + ${2 * u} + j] = d * (1 - z) * (1 - hh * hh);
            }`;
      }
      // Per step, after the element-wise gate gradients of the whole batch: the gradient to the
      // previous state is dpre · Uᵀ over the gates that multiply h' (one strided product), plus
      // for gru the direct path z ⊙ dh and the path through r ⊙ h'.
      const toPrev = (k0: number, cols: number, out: string, accumulate: boolean) =>
        `rt.gemmTransBStrided(${k.B}, ${cols}, ${u}, ${dpre}, t * ${g} + ${k0}, ${T} * ${g}, ${U}, ${k0}, ${g}, ${out}, 0, ${u}, ${accumulate});`;
      const after =
        kind === "gru"
          ? `
          ${toPrev(2 * u, u, carry, false)}
          for (let b = 0; b < ${k.B}; b++) {
            const o = (b * ${T} + t) * ${g}, so = (b * ${T} + t) * ${u}, hb = b * ${u};
            for (let p = 0; p < ${u}; p++) {
              const r = ${pre}[o + ${u} + p], a = ${carry}[hb + p];
              ${dpre}[o + ${u} + p] = a * ${hp}[so + p] * r * (1 - r);
              ${dh}[hb + p] = ${dh}[hb + p] * ${pre}[o + p] + a * r;
            }
          }
          ${toPrev(0, 2 * u, dh, true)}`
          : toPrev(0, g, dh, false);
      k.code(`
        for (let s = ${T} - 1; s >= 0; s--) {
          const t = ${t};
          for (let b = 0; b < ${k.B}; b++) {
            const o = (b * ${T} + t) * ${g}, so = (b * ${T} + t) * ${u}, hb = b * ${u};
            ${sequences ? `for (let j = 0; j < ${u}; j++) ${dh}[hb + j] += ${dy}[(b * ${T} + t) * ${dir.width} + ${dir.column} + j];` : ""}
            ${step.trim()}
          }
          ${after.trim()}
        }
      `);
      // Weights: one product over all B·T rows each.
      k.line(`rt.gemmTransA(${n}, ${k.B} * ${T}, ${g}, ${x}, ${dpre}, ${gW}, false);`);
      k.line(`${gb}.fill(0);`);
      k.line(`for (let r = 0, o = 0; r < ${k.B} * ${T}; r++) for (let j = 0; j < ${g}; j++, o++) ${gb}[j] += ${dpre}[o];`);
      if (kind === "gru") {
        // z and r multiply h'; ĥ multiplies r ⊙ h'.
        k.code(`
          ${gU}.fill(0);
          for (let r = 0; r < ${k.B} * ${T}; r++) {
            const o = r * ${g}, so = r * ${u};
            for (let p = 0; p < ${u}; p++) {
              const a = ${hp}[so + p], c = ${rh}[so + p], row = p * ${g};
              for (let j = 0; j < ${2 * u}; j++) ${gU}[row + j] += a * ${dpre}[o + j];
              for (let j = ${2 * u}; j < ${g}; j++) ${gU}[row + j] += c * ${dpre}[o + j];
            }
          }
        `);
      } else k.line(`rt.gemmTransA(${u}, ${k.B} * ${T}, ${g}, ${hp}, ${dpre}, ${gU}, false);`);
      const dx = k.inputGrad(0);
      if (dx) k.line(`rt.gemmTransB(${k.B} * ${T}, ${g}, ${n}, ${dpre}, ${W}, ${dx}, ${accumulate || k.assign(0) === "+="});`);
  };

  return {
    forward(k) {
      for (const dir of directions(k)) forwardDirection(k, dir);
    },
    backward(k) {
      directions(k).forEach((dir, i) => backwardDirection(k, dir, i > 0));
    },
  };
}
