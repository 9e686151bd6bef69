import { defineConfig } from "vitest/config";

/**
 * The suites that exercise the product kernels through whole models: every
 * oracle comparison against TF.js, the finite-difference gradient checks and
 * the learning tests. The full suite runs on the WebAssembly SIMD kernels
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
  "test/tasks/decoding.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    projects: [
      { extends: true, test: { name: "wasm", include: ["test/**/*.test.ts"], env: { NNC_KERNELS: "wasm" } } },
      { extends: true, test: { name: "js", include: kernelSuites, env: { NNC_KERNELS: "js" } } },
    ],
  },
});
