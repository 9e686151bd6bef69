// `import nnc from "nnc/vite"`: the .nn plugin for vite. Plain JavaScript, so a
// bundler config that Node loads without a TypeScript loader can import it;
// the plugin itself is TypeScript, loaded through tsx (scoped to this import).
import { tsImport } from "tsx/esm/api";

const { nnc } = await tsImport("./plugin.ts", import.meta.url);

/** @type {import("./plugin.ts").nnc["vite"]} */
export default nnc.vite;
