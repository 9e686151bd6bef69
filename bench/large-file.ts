// The 10,000-line benchmark file: every example (each model, block and
// const renamed per copy) repeated, plus long synthetic pipelines, cut to a
// line count. `npm run bench:check` times check() on it; `npm run bench:lsp`
// times the language server's diagnostics after a keystroke in it.
import { readdirSync, readFileSync } from "node:fs";
import { parse } from "../grammar/index.ts";
import { nnLexer } from "../grammar/tokens.ts";

/** Renames every top-level declaration of `text` (models, blocks, consts) by appending `_<suffix>`, everywhere it is used. */
function renamed(text: string, suffix: string): string {
  const { ast } = parse(text);
  const names = new Set([...ast.models, ...ast.blocks, ...ast.consts].map((d) => d.name.name));
  let out = "";
  let at = 0;
  for (const t of nnLexer.tokenize(text).tokens) {
    if (t.tokenType.name !== "Identifier" || !names.has(t.image)) continue;
    out += text.slice(at, t.startOffset) + `${t.image}_${suffix}`;
    at = t.endOffset! + 1;
  }
  return out + text.slice(at);
}

/** A deep MLP with a long pipeline, one stage per line, and a residual block. */
function synthetic(i: number): string {
  const width = 16 + (i % 4) * 16;
  const stages: string[] = [];
  for (let k = 0; k < 24; k++) stages.push(k % 3 === 2 ? "    -> relu" : k % 3 === 1 ? `    -> Residual_${i}(W_${i}, hidden: ${width * 2})` : `    -> dense(W_${i})`);
  return `// synthetic ${i}: a deep residual MLP
const W_${i} = ${width}
block Residual_${i}(n, hidden = 64) {
  input x: f32[n]
  output y = x + (x -> dense(hidden) -> gelu -> dense(n)) -> layernorm
}
model Deep_${i} {
  input features: f32[${width}]
  target y: f32[1]
  h = features
${stages.join("\n")}
  prediction = h -> dense(1) as head
  output prediction
  loss mse(prediction, y)
}
`;
}

/** A valid .nn file of exactly `lines` lines. */
export function generateLargeFile(lines: number): string {
  const dir = new URL("../examples/", import.meta.url);
  const examples = readdirSync(dir)
    .filter((f) => f.endsWith(".nn"))
    .sort()
    .map((f) => readFileSync(new URL(f, dir), "utf8"));
  const parts: string[] = [];
  let count = 0;
  for (let i = 1; count < lines; i++) {
    for (const chunk of [...examples.map((e, k) => renamed(e, `${i}_${k + 1}`)), synthetic(i)]) {
      const n = chunk.split("\n").length;
      if (count + n > lines) break;
      parts.push(chunk);
      count += n;
    }
    if (count + 40 > lines) break;
  }
  let text = parts.join("\n");
  const have = text.split("\n").length;
  if (have < lines) text += "\n" + Array.from({ length: lines - have }, (_, k) => `// padding ${k + 1}`).join("\n");
  return text;
}
