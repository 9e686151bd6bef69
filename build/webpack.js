// `import nnc from "nnc/webpack"`: the .nn plugin for webpack. Plain JavaScript, so a
// bundler config that Node loads without a TypeScript loader can import it;
// the plugin itself is TypeScript, loaded through tsx (scoped to this import).
import { tsImport } from "tsx/esm/api";

const { nnc } = await tsImport("./plugin.ts", import.meta.url);

/** @type {import("./plugin.ts").nnc["webpack"]} */
export default nnc.webpack;
