import { openData } from "./runtime/datasets/node.ts";
const o = await openData("/tmp/b40.csv");
let n = 0;
let peak = 0;
if (o.kind === "records") for await (const r of o.source.records()) { n++; if (n % 10000 === 0) peak = Math.max(peak, process.memoryUsage().rss); }
console.log(n, "peak rss MB", (peak / 1e6).toFixed(0), "heap", (process.memoryUsage().heapUsed/1e6).toFixed(0));
