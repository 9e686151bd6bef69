// `import nnc from "nnc/vite"`: the .nn plugin for vite (`plugins: [nnc()]`).
import { nnc } from "./plugin.ts";

const plugin: (typeof nnc)["vite"] = nnc.vite;
export default plugin;
