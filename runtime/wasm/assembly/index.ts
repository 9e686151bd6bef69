// The WebAssembly module's exports (AssemblyScript; built by scripts/build-wasm.ts).
export { gemm, gemmPacked, packAll } from "./gemm";
export { im2col, col2im } from "./window";
export { convForward, convFilterGrad, convScratch } from "./conv";
export { maxPool, scatterAdd, reluGrad, columnSums } from "./elementwise";
export { convInputGrad, convInputGradScratch } from "./conv";
