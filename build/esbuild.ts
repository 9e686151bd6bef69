// `import nnc from "nnc/esbuild"`: the .nn plugin for esbuild (`esbuild.build({ plugins: [nnc()] })`).
import { nnc } from "./plugin.ts";

const plugin: (typeof nnc)["esbuild"] = nnc.esbuild;
export default plugin;
