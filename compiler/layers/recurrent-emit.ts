// Code for rnn, lstm and gru (spec §5 equations, gate order i f c o / z r h),
// trained by backpropagation through time. The input projection of every
// step is one product (X · kernel + bias for all B·T rows); the loop over T
// runs at run time, and each step's recurrent product is one product over
// the batch (h' · recurrent into a step buffer, added to each example's row).
// With `lengths: n`, example b runs only its first n[b] steps (a reverse
// direction starts at its last real step): padded steps leave the state,
// the outputs (zero), and every gradient untouched. Training keeps, per
// step, the gate activations, the state that fed the step and (lstm) the
// cell state, so backward needs no recomputation.
import * as activation from "./activation-math.ts";
import type { KernelBuilder } from "../codegen/kernel.ts";
import type { LayerEmit } from "./layer.ts";
import { biasGradLoop } from "./emit-helpers.ts";
import { Dim, product } from "../shapes/dim.ts";

type Kind = "rnn" | "lstm" | "gru";

function geometry(k: KernelBuilder, gates: number) {
  const [T, n] = k.op.inputs[0]!.shape;
  const u = k.options.units as number;
  const lengths = typeof k.options.lengths === "number" ? k.input(k.options.lengths).name : undefined;
  const initial = typeof k.options.initial === "number" ? k.options.initial : undefined;
  return { T: k.dim(T!), n: k.static(n!), u, g: gates * u, perStep: product([T!]), sequences: !!k.options.sequences, lengths, initial };
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

export function recurrentEmit(kind: Kind, gates: number): LayerEmit {
  /** Per example: its length, whether step s is real, and the time index of step s. */
  const stepOf = (k: KernelBuilder, dir: Direction, T: string, lengths: string | undefined, s: string) => {
    const len = lengths ? `${lengths}[b]` : T;
    return { len, time: dir.reverse ? `${len} - 1 - ${s}` : s };
  };

  const forwardDirection = (k: KernelBuilder, dir: Direction) => {
    const { T, n, u, g, perStep, sequences, lengths, initial } = geometry(k, gates);
    const px = dir.prefix;
    const x = k.input(0).name;
    const W = k.param(`${px}kernel`);
    const U = k.param(`${px}recurrent`);
    const y = k.output.name;
    const aux = (name: string, size: Dim) => k.aux(`${px}${name}`, size);
    // pre: all steps' activations [B, T, g]; hp: the state feeding each step; cs (lstm): cell state after each step; rh (gru): r ⊙ h'.
    const pre = aux("gates", perStep.mul(g));
    const hp = aux("hprev", perStep.mul(u));
    const cs = kind === "lstm" ? aux("cell", perStep.mul(u)) : "";
    const rh = kind === "gru" ? aux("rh", perStep.mul(u)) : "";
    const h = aux("h", Dim.const(u));
    const cPrev = kind === "lstm" ? aux("c", Dim.const(u)) : "";
    // rec: one step's recurrent product for the whole batch; rhStep (gru): that step's r ⊙ h' rows.
    const recCols = kind === "gru" ? 2 * u : g;
    const rec = aux("rec", Dim.const(recCols));
    const rhStep = kind === "gru" ? aux("rhstep", Dim.const(u)) : "";
    const rec2 = kind === "gru" ? aux("rec2", Dim.const(u)) : "";
    const act = kind === "rnn" && k.options.activation === "relu" ? activation.relu.forward : activation.tanh.forward;
    const { len, time } = stepOf(k, dir, T, lengths, "s");

    k.line(`rt.gemm(${k.B} * ${T}, ${n}, ${g}, ${x}, ${W}, ${pre}, ${k.param(`${px}bias`)}, 0, false);`);
    k.line(initial === undefined ? `${h}.fill(0);` : `${h}.set(${k.input(initial).name}.subarray(0, ${k.B} * ${u}));`);
    if (cPrev) k.line(`${cPrev}.fill(0);`);
    if (lengths) {
      // Padded rows are never written below; clear what the weight products and outputs read.
      k.line(`${hp}.fill(0, 0, ${k.B} * ${T} * ${u});`);
      if (rh) k.line(`${rh}.fill(0, 0, ${k.B} * ${T} * ${u});`);
      if (sequences && dir.column === 0) k.line(`${y}.fill(0, 0, ${k.B} * ${T} * ${dir.width});`);
      if (dir.column === 0) {
        const who = JSON.stringify(k.op.inputs[k.options.lengths as number]!.label);
        k.line(`for (let b = 0; b < ${k.B}; b++) { const l = ${lengths}[b]; if (!(l >= 1 && l <= ${T})) throw new RangeError("${k.op.def.name}: lengths '" + ${who} + "' is " + l + " for example " + b + ", outside [1, " + ${T} + "]"); }`);
      }
    }
    // The element-wise part of a step for example b at time t (`o`: its gate row, `so`: its state row, `r`: its product row).
    let update: string;
    if (kind === "rnn") {
      update = `for (let j = 0; j < ${u}; j++) { const a = ${act(`${pre}[o + j] + ${rec}[r + j]`)}; ${pre}[o + j] = a; ${h}[hb + j] = a; }`;
    } else if (kind === "lstm") {
      update = `
        for (let j = 0; j < ${g}; j++) { const a = ${pre}[o + j] + ${rec}[r + j]; ${pre}[o + j] = j >= ${2 * u} && j < ${3 * u} ? ${activation.tanh.forward("a")} : ${activation.sigmoid.forward("a")}; }
        for (let j = 0; j < ${u}; j++) {
          const c = ${cPrev}[hb + j] * ${pre}[o + ${u} + j] + ${pre}[o + ${2 * u} + j] * ${pre}[o + j];
          ${cPrev}[hb + j] = c;
          ${cs}[so + j] = c;
          ${h}[hb + j] = ${pre}[o + ${3 * u} + j] * ${activation.tanh.forward("c")};
        }`;
    } else {
      update = `
        for (let j = 0; j < ${2 * u}; j++) ${pre}[o + j] = ${activation.sigmoid.forward(`${pre}[o + j] + ${rec}[r + j]`)};
        for (let p = 0; p < ${u}; p++) { const v = ${pre}[o + ${u} + p] * ${h}[hb + p]; ${rh}[so + p] = v; ${rhStep}[hb + p] = v; }`;
    }
    const perExample = (body: string) => `
          for (let b = 0; b < ${k.B}; b++) {
            if (s >= ${len}) continue;
            const t = ${time}, o = (b * ${T} + t) * ${g}, so = (b * ${T} + t) * ${u}, hb = b * ${u}, r = b * ${recCols};
            ${body}
          }`;
    const output = sequences ? `for (let j = 0; j < ${u}; j++) ${y}[(b * ${T} + t) * ${dir.width} + ${dir.column} + j] = ${h}[hb + j];` : "";
    const gruSecond =
      kind === "gru"
        ? `
          rt.gemmStrided(${k.B}, ${u}, ${u}, ${rhStep}, 0, ${u}, ${U}, ${2 * u}, ${g}, ${rec2}, 0, ${u}, false);
          if (!rt.gruForwardState(${k.B}, ${T}, ${u}, s, ${dir.reverse}, ${lengths ?? "null"}, ${pre}, ${rec2}, ${h}, ${sequences ? y : "null"}, ${dir.width}, ${dir.column})) ${perExample(`for (let j = 0; j < ${u}; j++) {
              const hh = ${activation.tanh.forward(`${pre}[o + ${2 * u} + j] + ${rec2}[hb + j]`)}, z = ${pre}[o + j];
              ${pre}[o + ${2 * u} + j] = hh;
              ${h}[hb + j] = z * ${h}[hb + j] + (1 - z) * hh;
            }
            ${output}`)}`
        : "";
    // The fused kernels where the set has them; the loops stay as the fallback.
    const step = `${k.B}, ${T}, ${u}, s, ${dir.reverse}, ${lengths ?? "null"}`;
    const yRow = `${sequences ? y : "null"}, ${dir.width}, ${dir.column}`;
    const fused = {
      lstm: `if (!rt.lstmForwardStep(${step}, ${pre}, ${rec}, ${hp}, ${cs}, ${h}, ${cPrev}, ${yRow}))`,
      gru: `if (!rt.gruForwardGates(${step}, ${pre}, ${rec}, ${hp}, ${h}, ${rh}, ${rhStep}))`,
      rnn: `if (!rt.rnnForwardStep(${step}, ${k.options.activation === "relu"}, ${pre}, ${rec}, ${hp}, ${h}, ${yRow}))`,
    }[kind];
    k.code(`
      for (let s = 0; s < ${T}; s++) {
        rt.gemmStrided(${k.B}, ${u}, ${recCols}, ${h}, 0, ${u}, ${U}, 0, ${g}, ${rec}, 0, ${recCols}, false);
        ${fused} {${perExample(`for (let p = 0; p < ${u}; p++) ${hp}[so + p] = ${h}[hb + p];
            ${update.trim()}
            ${kind === "gru" ? "" : output}`)}
        }
        ${gruSecond.trim()}
      }
    `);
    if (!sequences) k.line(`for (let b = 0; b < ${k.B}; b++) for (let j = 0; j < ${u}; j++) ${y}[b * ${dir.width} + ${dir.column} + j] = ${h}[b * ${u} + j];`);
  };

  /** Backpropagation through time for one direction; `accumulate`: another direction already wrote dx. */
  const backwardDirection = (k: KernelBuilder, dir: Direction, accumulate: boolean) => {
    const { T, n, u, g, perStep, sequences, lengths, initial } = geometry(k, gates);
    const px = dir.prefix;
    const x = k.input(0).name;
    const W = k.param(`${px}kernel`);
    const U = k.param(`${px}recurrent`);
    const dy = k.outputGrad;
    const aux = (name: string, size: Dim) => k.aux(`${px}${name}`, size);
    const pre = aux("gates", perStep.mul(g));
    const hp = aux("hprev", perStep.mul(u));
    const cs = kind === "lstm" ? aux("cell", perStep.mul(u)) : "";
    const rh = kind === "gru" ? aux("rh", perStep.mul(u)) : "";
    // dh: gradient reaching the state from later steps; dc (lstm) likewise for the cell;
    // dpre: every step's pre-activation gradients; dStep: one step's rows of it, contiguous; dhStep: their product with Uᵀ.
    const dh = aux("dh", Dim.const(u));
    const dc = kind === "lstm" ? aux("dc", Dim.const(u)) : "";
    const dpre = aux("dgates", perStep.mul(g));
    const dStep = aux("dstep", Dim.const(g));
    const dhStep = aux("dhstep", Dim.const(u));
    const carry = kind === "gru" ? aux("carry", Dim.const(u)) : "";
    const relu = kind === "rnn" && k.options.activation === "relu";
    const { len, time } = stepOf(k, dir, T, lengths, "s");
    const prevTime = dir.reverse ? `${len} - s` : `s - 1`;

    k.line(`${dh}.fill(0);`);
    if (dc) k.line(`${dc}.fill(0);`);
    if (lengths) k.line(`${dpre}.fill(0, 0, ${k.B} * ${T} * ${g});`);
    k.line(`${dStep}.fill(0);`);
    // The state after the last real step is the output when sequences is false.
    if (!sequences) k.line(`for (let b = 0; b < ${k.B}; b++) for (let j = 0; j < ${u}; j++) ${dh}[b * ${u} + j] = ${dy}[b * ${dir.width} + ${dir.column} + j];`);
    let gateGrads: string;
    if (kind === "rnn") {
      gateGrads = `for (let j = 0; j < ${u}; j++) { const a = ${pre}[o + j]; ${dpre}[o + j] = ${(relu ? activation.relu : activation.tanh).gradient(`${dh}[hb + j]`, "a")}; }`;
    } else if (kind === "lstm") {
      gateGrads = `
            for (let j = 0; j < ${u}; j++) {
              const i = ${pre}[o + j], f = ${pre}[o + ${u} + j], cc = ${pre}[o + ${2 * u} + j], og = ${pre}[o + ${3 * u} + j];
              const c = ${cs}[so + j], tc = ${activation.tanh.forward("c")};
              const cp = s > 0 ? ${cs}[(b * ${T} + ${prevTime}) * ${u} + j] : 0;
              const d = ${dh}[hb + j];
              const dcell = ${dc}[hb + j] + d * og * (1 - tc * tc);
              ${dpre}[o + j] = dcell * cc * i * (1 - i);
              ${dpre}[o + ${u} + j] = dcell * cp * f * (1 - f);
              ${dpre}[o + ${2 * u} + j] = dcell * i * (1 - cc * cc);
              ${dpre}[o + ${3 * u} + j] = d * tc * og * (1 - og);
              ${dc}[hb + j] = dcell * f;
            }`;
    } else {
      gateGrads = `
            for (let j = 0; j < ${u}; j++) {
              const z = ${pre}[o + j], hh = ${pre}[o + ${2 * u} + j], d = ${dh}[hb + j];
              ${dpre}[o + j] = d * (${hp}[so + j] - hh) * z * (1 - z);
              ${dpre}[o + ${2 * u} + j] = d * (1 - z) * (1 - hh * hh);
            }`;
    }
    const perExample = (body: string) => `
          for (let b = 0; b < ${k.B}; b++) {
            if (s >= ${len}) continue;
            const t = ${time}, o = (b * ${T} + t) * ${g}, so = (b * ${T} + t) * ${u}, hb = b * ${u}, r = b * ${g};
            ${body}
          }`;
    const copyRow = (from: number, count: number) => `for (let j = ${from}; j < ${from + count}; j++) ${dStep}[r + j] = ${dpre}[o + j];`;
    // gru: the ĥ gate's recurrent product took r ⊙ h'; its gradient gives dr and part of dh' (carry).
    const gruMiddle =
      kind === "gru"
        ? `
          rt.gemmPackedB(${k.B}, ${dStep}, ${2 * u}, ${g}, packedUh, ${carry}, 0, ${u}, false);
          if (!rt.gruBackwardReset(${k.B}, ${T}, ${u}, s, ${dir.reverse}, ${lengths ?? "null"}, ${pre}, ${hp}, ${dh}, ${carry}, ${dpre}, ${dStep})) ${perExample(`for (let p = 0; p < ${u}; p++) {
              const rr = ${pre}[o + ${u} + p], a = ${carry}[hb + p];
              const dr = a * ${hp}[so + p] * rr * (1 - rr);
              ${dpre}[o + ${u} + p] = dr;
              ${dStep}[r + ${u} + p] = dr;
              ${carry}[hb + p] = ${dh}[hb + p] * ${pre}[o + p] + a * rr;
            }`)}`
        : "";
    // Gates that multiply h' directly: all of them, or z and r for gru.
    const hGates = kind === "gru" ? 2 * u : g;
    const direct = kind === "gru" ? `${carry}[hb + j] + ` : "";
    const step = `${k.B}, ${T}, ${u}, s, ${dir.reverse}, ${lengths ?? "null"}`;
    const dyRow = `${sequences ? dy : "null"}, ${dir.width}, ${dir.column}`;
    const fused = {
      lstm: `if (!rt.lstmBackwardStep(${step}, ${pre}, ${cs}, ${dh}, ${dc}, ${dpre}, ${dStep}, ${dyRow}))`,
      gru: `if (!rt.gruBackwardGates(${step}, ${pre}, ${hp}, ${dh}, ${dpre}, ${dStep}, ${dyRow}))`,
      rnn: `if (!rt.rnnBackwardStep(${step}, ${relu}, ${pre}, ${dh}, ${dpre}, ${dStep}, ${dyRow}))`,
    }[kind];
    // Uᵀ is the same in every step: packed once here, not by each step's product (in a block: a model may have several of these loops).
    k.code(`
      {
      const packedU = rt.packTransB(${hGates}, ${u}, ${U}, 0, ${g});
      ${kind === "gru" ? `const packedUh = rt.packTransB(${u}, ${u}, ${U}, ${2 * u}, ${g});` : ""}
      for (let s = ${T} - 1; s >= 0; s--) {
        ${fused} {${perExample(`${sequences ? `for (let j = 0; j < ${u}; j++) ${dh}[hb + j] += ${dy}[(b * ${T} + t) * ${dir.width} + ${dir.column} + j];` : ""}
            ${gateGrads.trim()}
            ${copyRow(0, g)}`)}
        }
        ${gruMiddle.trim()}
        rt.gemmPackedB(${k.B}, ${dStep}, 0, ${g}, packedU, ${dhStep}, 0, ${u}, false);
        ${perExample(`for (let j = 0; j < ${u}; j++) ${dh}[hb + j] = ${direct}${dhStep}[hb + j];`)}
      }
      }
    `);
    // After step 0, dh is the gradient of the state that fed it: the initial one.
    const dInitial = initial === undefined ? undefined : k.inputGrad(initial);
    if (dInitial) k.line(`for (let q = 0; q < ${k.B} * ${u}; q++) ${dInitial}[q] ${k.assign(initial!)} ${dh}[q];`);
    // Weights: one product over all B·T rows each (padded rows of dpre are zero).
    const gW = k.paramGrad(`${px}kernel`);
    const gU = k.paramGrad(`${px}recurrent`);
    k.line(`rt.gemmTransA(${n}, ${k.B} * ${T}, ${g}, ${x}, ${dpre}, ${gW}, false);`);
    biasGradLoop(k, dpre, `${k.B} * ${T}`, g, `${px}bias`);
    if (kind === "gru") {
      // z and r multiply h', ĥ multiplies r ⊙ h': two products over all B·T rows, into gU's column blocks.
      k.line(`rt.gemmTransAStrided(${u}, ${k.B} * ${T}, ${2 * u}, ${hp}, 0, ${u}, ${dpre}, 0, ${g}, ${gU}, 0, ${g}, false);`);
      k.line(`rt.gemmTransAStrided(${u}, ${k.B} * ${T}, ${u}, ${rh}, 0, ${u}, ${dpre}, ${2 * u}, ${g}, ${gU}, ${2 * u}, ${g}, false);`);
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
