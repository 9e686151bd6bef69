import type { nnc } from "./plugin.ts";

/** The .nn plugin for vite: `plugins: [nnc(options)]`. */
declare const plugin: (typeof nnc)["vite"];
export default plugin;
