// `--specialize batch=64,T=20`, shared by compile and export (kept apart from
// compile.ts, which loads Prettier).

/** `batch=64,T=20` → { batch: 64, T: 20 }; throws on a malformed entry, a size that is not a positive integer, or a name given twice. */
export function parseSpecialize(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (text === undefined) return out;
  for (const part of text.split(",")) {
    const m = /^\s*([\p{L}_][\p{L}\p{Nd}_]*)\s*=\s*(.*?)\s*$/u.exec(part);
    if (!m) throw new Error(`--specialize expects name=size pairs such as batch=64,T=20; got '${part}'`);
    const [, name, value] = m as unknown as [string, string, string];
    const size = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(size) || size < 1) throw new Error(`--specialize ${name} must be a positive integer, got '${value}'`);
    if (Object.hasOwn(out, name)) throw new Error(`--specialize gives ${name} twice`);
    out[name] = size;
  }
  return out;
}
