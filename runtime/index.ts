// The runtime that generated model code and training loops build on. Every
// module exported here runs unchanged in a browser; the Node-only MNIST
// loader is imported separately from "./mnist-node.ts".

export * from "./types.ts";
export * from "./random.ts";
export * from "./init.ts";
export * from "./optimizers.ts";
export * from "./safetensors.ts";
export * from "./data.ts";
export { Act } from "./act.ts";
export * from "./kernels.ts";
export * from "./workspace.ts";
export * from "./io.ts";
export * from "./train.ts";
export * from "./generate.ts";
export * from "./datasets/index.ts";
export * from "./fit.ts";
export * from "./checkpoint.ts";
export * from "./fit-stream.ts";
