// The WebAssembly module's exports (AssemblyScript; built by scripts/build-wasm.ts).
export { gemm, gemmPacked, packAll } from "./gemm";
export { im2col, col2im } from "./window";
export { convForward, convFilterGrad, convScratch } from "./conv";
export { maxPool, scatterAdd, reluGrad, columnSums } from "./elementwise";
export { convInputGrad, convInputGradScratch } from "./conv";
export { mapMath } from "./vmath";
export { lstmForwardStep, lstmBackwardStep, gruForwardGates, gruForwardState, gruBackwardGates, gruBackwardReset, rnnForwardStep, rnnBackwardStep } from "./recurrent";
export { softmaxRows, softmaxRowsGrad } from "./softmax";
export { layerNorm, layerNormGrad } from "./layernorm";
export { gelu, geluGrad } from "./activation";
