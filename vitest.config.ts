import { defineConfig } from "vitest/config";

/**
 * The suites that exercise the product kernels through whole models: every
 * oracle comparison against TF.js, the finite-difference gradient checks,
 * the learning tests and the differential tests (symbolic against
 * specialised builds). The full suite runs on the WebAssembly SIMD kernels
 * (the default wherever SIMD validates); these run again on the plain-JS
 * kernels, the fallback, so both sets pass the same oracle, gradient and
 * learning tests without running the whole suite twice (parsing, checking,
 * formatting, CLI and build tests do not depend on the kernels).
 */
const kernelSuites = [
  "test/oracle/**/*.test.ts",
  "test/codegen/gradcheck.test.ts",
  "test/codegen/training.test.ts",
  "test/codegen/recurrent.test.ts",
  "test/codegen/attention.test.ts",
  "test/codegen/positional.test.ts",
  "test/tasks/sentiment.test.ts",
  "test/tasks/tagger.test.ts",
  // Not test/tasks/decoding.test.ts: its encoder–decoders train for minutes on
  // the plain-JS kernels (280 s of a CI run) and add no kernel the suites
  // above do not already check on them; they learn on the default set.
  // Symbolic and specialised builds agree on random models and on every example.
  "test/differential/**/*.test.ts",
];

/**
 * The relaxed-SIMD (FMA) build of the WebAssembly kernels, which the runtime
 * picks where WebAssembly.validate accepts it: Chromium does by default,
 * Node 20 only behind a flag. This project runs the kernel tests (products,
 * rows' bits independent of their place in the batch, implicit
 * convolutions), the oracle comparisons and the gradient checks with that
 * flag (and the recurrent tests, whose per-example lengths compare rows bit
 * for bit); test/runtime/kernels.test.ts checks that the FMA build really ran.
 */
const fmaSuites = [
  "test/runtime/kernels.test.ts",
  "test/runtime/matmul.test.ts",
  "test/runtime/packed.test.ts",
  "test/runtime/threads.test.ts",
  "test/runtime/fused.test.ts",
  "test/oracle/**/*.test.ts",
  "test/codegen/gradcheck.test.ts",
  // Its per-example length tests compare padded and unpadded batches bit for bit.
  "test/codegen/recurrent.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    projects: [
      { extends: true, test: { name: "wasm", include: ["test/**/*.test.ts"], env: { NNC_KERNELS: "wasm" } } },
      { extends: true, test: { name: "js", include: kernelSuites, env: { NNC_KERNELS: "js" } } },
      {
        extends: true,
        test: { name: "fma", include: fmaSuites, env: { NNC_KERNELS: "wasm", NNC_EXPECT_FMA: "1" }, execArgv: ["--experimental-wasm-relaxed-simd"] },
      },
    ],
  },
});
