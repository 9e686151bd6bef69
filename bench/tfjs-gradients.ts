// tfjs-core's CommonJS bundle (its package "main") registers no gradients:
// they live only in its ES-module tree (dist/register_all_gradients.js), which
// the @tensorflow/tfjs umbrella package would import for us. That tree uses
// extensionless relative imports ('./gradients/Abs_grad') that Node's ESM
// resolver refuses, so this module adds a resolve hook that appends ".js"
// inside tfjs-core's dist folder, then imports the registrations. They land in
// tfjs's global gradient registry and run on the one global engine, so tensors
// and ops from the CommonJS bundle differentiate normally afterwards.
// (Under vitest, a plain `import "@tensorflow/tfjs-core/dist/register_all_gradients.js"`
// works, because vite resolves extensionless imports itself.)
import { register } from "node:module";

const hook = `
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
const inCore = (u) => typeof u === "string" && u.includes("/@tensorflow/tfjs-core/dist/") && !u.endsWith("/tf-core.node.js");
export async function resolve(specifier, context, next) {
  if (inCore(context.parentURL) && specifier.startsWith(".") && !specifier.endsWith(".js")) {
    for (const suffix of [".js", "/index.js"]) {
      const url = new URL(specifier + suffix, context.parentURL);
      if (existsSync(fileURLToPath(url))) return { url: url.href, format: "module", shortCircuit: true };
    }
  }
  const r = await next(specifier, context);
  return inCore(r.url) ? { ...r, format: "module" } : r;
}`;

let loaded: Promise<unknown> | undefined;

/** Registers all of tfjs-core's gradients (once). Import tfjs-core and a backend first. */
export function registerTfGradients(): Promise<unknown> {
  if (!loaded) {
    register(`data:text/javascript,${encodeURIComponent(hook)}`);
    const warn = console.warn;
    console.warn = () => {}; // "Platform node has already been set": the ES tree re-runs tfjs's setup
    loaded = import("@tensorflow/tfjs-core/dist/register_all_gradients.js").finally(() => {
      console.warn = warn;
    });
  }
  return loaded;
}
