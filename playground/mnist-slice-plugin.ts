// A Vite plugin serving `virtual:mnist-slice`: a few thousand real MNIST
// digits from the `mnist` package, written at build time as one byte per
// pixel (base64), so the browser gets ~2 MB instead of the package's 21 MB
// of JSON. Only the training worker imports it, so it loads on "Train".
import type { Plugin } from "vite";
import { loadMnist } from "../runtime/mnist-node.ts";

export const MNIST_SLICE_ID = "virtual:mnist-slice";
const RESOLVED = `\0${MNIST_SLICE_ID}`;

/** The digits as a module: counts, one byte per pixel and one per label, base64. */
function sliceModule(counts: { train: number; test: number }): string {
  const { train, test } = loadMnist({ trainCount: counts.train, testCount: counts.test });
  const pixels = new Uint8Array((train.count + test.count) * 784);
  // Grey values are in [0, 1]; a byte keeps them to 1/255, finer than the digits' own scans.
  train.images.forEach((v, i) => (pixels[i] = Math.round(v * 255)));
  test.images.forEach((v, i) => (pixels[train.images.length + i] = Math.round(v * 255)));
  const labels = new Uint8Array([...train.labels, ...test.labels]);
  const b64 = (a: Uint8Array) => Buffer.from(a).toString("base64");
  return `export default ${JSON.stringify({ train: train.count, test: test.count, pixels: b64(pixels), labels: b64(labels) })};`;
}

export function mnistSlice(counts: { train: number; test: number }): Plugin {
  return {
    name: "nnc-mnist-slice",
    // Hook filters keep the bundler from calling into JavaScript for every other module.
    resolveId: { filter: { id: /^virtual:mnist-slice$/ }, handler: () => RESOLVED },
    load: { filter: { id: /^\0virtual:mnist-slice$/ }, handler: () => sliceModule(counts) },
  };
}
