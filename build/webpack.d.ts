import type { nnc } from "./plugin.ts";

/** The .nn plugin for webpack: `plugins: [nnc(options)]`. */
declare const plugin: (typeof nnc)["webpack"];
export default plugin;
