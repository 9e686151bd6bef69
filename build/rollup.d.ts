import type { nnc } from "./plugin.ts";

/** The .nn plugin for rollup: `plugins: [nnc(options)]`. */
declare const plugin: (typeof nnc)["rollup"];
export default plugin;
