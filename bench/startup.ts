// `npm run bench:startup`: how long `nnc check` and `nnc summary` take on an
// example, start to exit, as a user runs them: the command as the package
// ships it (dist/bin, built by `npm run build`, which this runs first) against
// the TypeScript sources loaded through tsx (how the repository runs it, and
// how the package ran before it shipped JavaScript). Median of 15 runs each.
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const runs = 15;

execFileSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });

const variants = {
  "package (dist/bin)": [`${root}dist/bin/main.js`],
  "sources through tsx": ["--import", "tsx", `${root}cli/main.ts`],
};
const commands = [
  ["check", "examples/lenet.nn"],
  ["summary", "examples/transformer.nn"],
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

function time(args: string[]): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: "ignore" });
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}`);
  return performance.now() - start;
}

console.log(`nnc start-up, median of ${runs} runs (ms), Node ${process.version}`);
for (const command of commands) {
  const medians = Object.entries(variants).map(([name, node]) => {
    time([...node, ...command]); // warm the file cache
    return [name, median(Array.from({ length: runs }, () => time([...node, ...command])))] as const;
  });
  const [[, ours], [, before]] = medians as [readonly [string, number], readonly [string, number]];
  console.log(`nnc ${command.join(" ")}: ${medians.map(([n, ms]) => `${n} ${ms.toFixed(0)}`).join(", ")}  (${(before / ours).toFixed(1)}× faster)`);
}
