// Keystroke-to-diagnostics latency of `nnc lsp`: how long after an editor
// sends a one-character change the server publishes that version's
// diagnostics, measured by a JSON-RPC client over stdio as an editor sees it
// (the server's settle delay, the check, the conversion and the pipe). On
// examples/lenet.nn and on the 10,000-line benchmark file (bench/large-file.ts),
// with a keystroke in the middle of the file; then a burst of keystrokes
// typed 50 ms apart, timed from the last one; and a hover sent right after a
// keystroke, which waits for that check.
// Run: npm run bench:lsp  [-- --keystrokes 9]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LspClient, uriOf } from "../test/lsp/client.ts";
import { generateLargeFile } from "./large-file.ts";

const i = process.argv.indexOf("--keystrokes");
const keystrokes = i >= 0 ? Number(process.argv[i + 1]) : 9;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

/** The line and character where `needle` first occurs at or after line `from`, plus its length. */
function after(text: string, needle: string, from = 0): { line: number; character: number } {
  const lines = text.split("\n");
  for (let l = from; l < lines.length; l++) {
    const c = lines[l]!.indexOf(needle);
    if (c >= 0) return { line: l, character: c + needle.length };
  }
  throw new Error(`'${needle}' is not in the text after line ${from}`);
}

async function measure(client: LspClient, path: string, text: string, where: { line: number; character: number }) {
  const opened = performance.now();
  await client.open(path, text);
  await client.diagnosticsOf(path, 1);
  const firstCheck = performance.now() - opened;
  // Each keystroke types a digit into a number and the next deletes it: the text alternates, every check is real.
  const times: number[] = [];
  let version = 1;
  for (let k = 0; k < keystrokes * 2; k++) {
    const start = performance.now();
    const change = k % 2 === 0 ? { range: { start: where, end: where }, text: "1" } : { range: { start: where, end: { line: where.line, character: where.character + 1 } }, text: "" };
    version++;
    await client.connection.sendNotification("textDocument/didChange", { textDocument: { uri: uriOf(path), version }, contentChanges: [change] });
    await client.diagnosticsOf(path, version);
    times.push(performance.now() - start);
  }
  // A burst: ten characters typed 50 ms apart (then deleted), timed from the last keystroke.
  for (let k = 0; k < 10; k++) {
    version++;
    const at = { line: where.line, character: where.character + k };
    await client.connection.sendNotification("textDocument/didChange", { textDocument: { uri: uriOf(path), version }, contentChanges: [{ range: { start: at, end: at }, text: "1" }] });
    if (k < 9) await new Promise((r) => setTimeout(r, 50));
  }
  const burstEnd = performance.now();
  await client.diagnosticsOf(path, version);
  const burst = performance.now() - burstEnd;
  version++;
  const end = { line: where.line, character: where.character + 10 };
  await client.connection.sendNotification("textDocument/didChange", { textDocument: { uri: uriOf(path), version }, contentChanges: [{ range: { start: where, end }, text: "" }] });
  await client.diagnosticsOf(path, version);
  // A hover right after a keystroke: answered once that keystroke's text is checked.
  version++;
  const hoverStart = performance.now();
  await client.connection.sendNotification("textDocument/didChange", { textDocument: { uri: uriOf(path), version }, contentChanges: [{ range: { start: where, end: where }, text: "1" }] });
  await client.request("textDocument/hover", { textDocument: { uri: uriOf(path) }, position: where });
  const hover = performance.now() - hoverStart;
  await client.close(path);
  // The server's own time per check (its log), without the settle delay and the pipe.
  const checks = client.logs.filter((l) => l.startsWith(`checked ${path} `)).map((l) => Number(/ in (\d+) ms/.exec(l)![1]));
  return { firstCheck, times, burst, hover, checks };
}

const dir = mkdtempSync(join(tmpdir(), "nnc-lsp-bench-"));
const client = await LspClient.start(dir);
try {
  const lenet = readFileSync(new URL("../examples/lenet.nn", import.meta.url), "utf8");
  const lenetPath = join(dir, "lenet.nn");
  writeFileSync(lenetPath, lenet);
  const large = generateLargeFile(10_000);
  const largePath = join(dir, "large.nn");
  writeFileSync(largePath, large);
  const rows = [
    { name: "examples/lenet.nn (18 lines)", ...(await measure(client, lenetPath, lenet, after(lenet, "dense(12"))) },
    { name: "10,000-line file, mid-file", ...(await measure(client, largePath, large, after(large, "dense(12", 5_000))) },
  ];
  console.log(`\nnnc lsp: keystroke to diagnostics, over stdio — node ${process.version}, ${keystrokes * 2} keystrokes each\n`);
  for (const r of rows) {
    console.log(`  ${r.name}`);
    console.log(`    open to first diagnostics   ${fmt(r.firstCheck)}`);
    console.log(`    keystroke to diagnostics    median ${fmt(median(r.times))}  (min ${fmt(Math.min(...r.times))}, max ${fmt(Math.max(...r.times))})`);
    console.log(`    of which checking           median ${fmt(median(r.checks))} (the server's log)`);
    console.log(`    10 keystrokes 50 ms apart   ${fmt(r.burst)} from the last to its diagnostics`);
    console.log(`    hover right after a key     ${fmt(r.hover)}`);
  }
  console.log();
} finally {
  await client.stop();
  rmSync(dir, { recursive: true, force: true });
}
