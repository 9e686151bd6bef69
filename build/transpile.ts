// The emitted TypeScript as an ES module in JavaScript, for the bundler
// plugin and `nnc compile --js`: types erased, the code otherwise as emitted.
import { ts } from "ts-morph";

/** `fileName` only names the module in TypeScript's messages. */
export function toJavaScript(code: string, fileName: string): string {
  return ts.transpileModule(code, {
    fileName,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, removeComments: false, sourceMap: false },
  }).outputText;
}
