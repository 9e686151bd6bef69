// `import nnc from "nnc/rollup"`: the .nn plugin for rollup (`plugins: [nnc()]`).
import { nnc } from "./plugin.ts";

const plugin: (typeof nnc)["rollup"] = nnc.rollup;
export default plugin;
