// Training on a CSV too large to hold: generates a file of --mb MiB (1024
// by default: a 1 GiB CSV of 8 measurements and a class per line) in the
// temporary folder, trains an MLP on it for one epoch with `nnc train`
// (which streams files of 64 MiB or more), and reports the time, the
// examples per second and the peak resident memory of the process (its
// VmHWM), against the goal of 400 MB.
//
//   npx tsx bench/stream-csv.ts [--mb 1024] [--epochs 1]
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "../runtime/random.ts";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const MB = arg("mb", 1024);
const EPOCHS = arg("epochs", 1);
const GOAL_MB = 400;

const dir = tmpdir();
const csv = join(dir, `nnc-bench-${MB}mib.csv`);
const model = join(dir, "nnc-bench-stream.nn");
writeFileSync(model, "model Wide {\n  input x: f32[8]\n  target label: i32\n  logits = x -> dense(32) -> relu -> dense(3)\n  output logits\n  loss cross_entropy(logits, label)\n}\n");

/** Lines of 8 measurements of different magnitudes and a class that depends on two of them. */
async function generate(path: string, bytes: number): Promise<void> {
  const rng = new Rng(1);
  const out = createWriteStream(path);
  const write = (text: string) => new Promise<void>((resolve) => (out.write(text) ? resolve() : out.once("drain", resolve)));
  let written = 0;
  await write("a,b,c,d,e,f,g,h,label\n");
  const labels = ["low", "mid", "high"];
  while (written < bytes) {
    let chunk = "";
    for (let i = 0; i < 4096; i++) {
      const v = Array.from({ length: 8 }, (_, j) => (rng.uniform() * 10 ** (j % 4)).toFixed(4));
      const score = Number(v[1]) / 10 + Number(v[3]) / 1000;
      chunk += `${v.join(",")},${labels[score < 0.7 ? 0 : score < 1.3 ? 1 : 2]}\n`;
    }
    written += chunk.length;
    await write(chunk);
  }
  await new Promise<void>((resolve) => out.end(resolve));
}

if (!existsSync(csv) || statSync(csv).size < MB * 2 ** 20) {
  process.stdout.write(`writing ${csv} (${MB} MiB)…\n`);
  await generate(csv, MB * 2 ** 20);
}
const size = statSync(csv).size;
process.stdout.write(`nnc train on ${csv}: ${(size / 2 ** 20).toFixed(0)} MiB, ${EPOCHS} epoch(s), batch 256\n`);

const started = performance.now();
const child = spawn("node", ["bin/nnc.js", "train", model, "--data", csv, "--epochs", String(EPOCHS), "--batch", "256", "--lr", "0.01", "--threads", "1"], { stdio: ["ignore", "pipe", "inherit"] });
let peak = 0;
const poll = setInterval(() => {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
    if (hwm) peak = Math.max(peak, Number(hwm[1]) * 1024);
  } catch {
    // Exited.
  }
}, 100);
let stdout = "";
child.stdout.on("data", (d) => {
  stdout += d;
  process.stdout.write(d);
});
const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
clearInterval(poll);
const seconds = (performance.now() - started) / 1000;
const examples = Number(/\((?:csv), (\d+) examples/.exec(stdout)?.[1] ?? NaN);
const peakMb = peak / 1e6;
process.stdout.write(
  `\nexit ${code}; ${seconds.toFixed(1)} s in all (a checking pass and ${EPOCHS} epoch(s)); ${examples.toLocaleString("en-US")} examples, ${((examples * (EPOCHS + 1)) / seconds).toFixed(0)} examples/s read; ` +
    `peak RSS ${peakMb.toFixed(0)} MB (${peakMb < GOAL_MB ? "under" : "OVER"} the ${GOAL_MB} MB goal)\n`,
);
