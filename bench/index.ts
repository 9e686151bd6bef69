// `npm run bench`: nnc's generated code against TensorFlow.js (cpu and wasm
// backends, single-threaded) on three networks, in one process, with one
// combined report:
//   - LeNet-5 on MNIST, batch 64 (bench/lenet.ts);
//   - an LSTM sequence classifier, batch 32, T 32, 64 → 128 → 10 (bench/lstm.ts);
//   - a self-attention block, batch 16, T 64, d 64, 4 heads, FFN 256 (bench/attention.ts).
// Each times a training step (forward, backward, SGD) and inference at batch
// 1 and at its batch size, after checking that nnc and both TF.js backends
// take the same first SGD step from the same parameters. nnc runs on the
// kernels chosen at load (WebAssembly SIMD where available; NNC_KERNELS=js
// forces the plain-JS ones) and again on the plain-JS kernels; a profiled
// run per model gives GFLOP/s per kernel and the share of the step spent
// outside them, and bench/kernels.ts times the products alone.
// Progress goes to stderr, the report to stdout.
//
// Run: npm run bench  [-- --quick]   (--quick: fewer runs, for a smoke test)
import { runAttention } from "./attention.ts";
import { environmentLine, log, quick, report, rssMiB, tfDone, type Section } from "./common.ts";
import { kernelTable } from "./kernels.ts";
import { runLenet } from "./lenet.ts";
import { runLstm } from "./lstm.ts";

const t0 = performance.now();
const sections: Section[] = [];
for (const run of [runLenet, runLstm, runAttention]) sections.push(await run());
tfDone();
const seconds = (performance.now() - t0) / 1000;
log(`done in ${seconds.toFixed(0)} s`);

const lines = report(`\nnnc vs TensorFlow.js, median ms per call${quick ? " (quick run)" : ""} — ${await environmentLine()}`, sections);
lines.push("", ...kernelTable());
lines.push("", `peak RSS of the whole run: ${rssMiB().toFixed(0)} MiB (MNIST and all three models, nnc and TF.js, in one process); wall time ${seconds.toFixed(0)} s.`);
console.log(lines.join("\n"));
