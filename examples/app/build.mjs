// Bundles the app with esbuild and the nnc plugin: `node examples/app/build.mjs`,
// then `node examples/app/dist/main.js`. `--watch` rebuilds on every change,
// to a .nn file (or one it imports) as well as to main.ts.
import * as esbuild from "esbuild";
import nnc from "nnc/esbuild";

const here = new URL(".", import.meta.url).pathname;
const options = {
  entryPoints: [`${here}src/main.ts`],
  outfile: `${here}dist/main.js`,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "info",
  plugins: [nnc()],
};

if (process.argv.includes("--watch")) await (await esbuild.context(options)).watch();
else await esbuild.build(options);
