import type { nnc } from "./plugin.ts";

/** The .nn plugin for esbuild: `plugins: [nnc(options)]`. */
declare const plugin: (typeof nnc)["esbuild"];
export default plugin;
