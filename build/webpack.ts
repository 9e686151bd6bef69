// `import nnc from "nnc/webpack"`: the .nn plugin for webpack (`plugins: [nnc()]`).
import { nnc } from "./plugin.ts";

const plugin: (typeof nnc)["webpack"] = nnc.webpack;
export default plugin;
