// `specialize`: dims baked into the generated code as constants (compile()'s
// option, the bundler plugin's, `nnc compile --specialize batch=64,T=20`).
// Checked before code generation, which would otherwise inline whatever it
// is given (a string, -1, 0.5) into the loops.

const show = (v: unknown): string => {
  const text = typeof v === "string" ? `'${v}'` : typeof v === "bigint" ? `${v}n` : (JSON.stringify(v) ?? String(v));
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
};

/**
 * What is wrong with `specialize`, or undefined when nothing is: each value
 * must be a positive safe integer and, when `symbols` (the symbolic dims of
 * the models compiled) is given, each name `batch` or one of them.
 */
export function specializeProblem(specialize: unknown, symbols?: Iterable<string>): string | undefined {
  if (specialize === undefined) return undefined;
  if (typeof specialize !== "object" || specialize === null || Array.isArray(specialize)) return `specialize must be an object of dim sizes such as { batch: 64 }, got ${show(specialize)}`;
  for (const [name, value] of Object.entries(specialize)) {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) return `specialize: '${name}' must be a positive integer, got ${show(value)}`;
  }
  if (symbols === undefined) return undefined;
  const known = ["batch", ...new Set(symbols)];
  const unknown = Object.keys(specialize).filter((name) => !known.includes(name));
  if (unknown.length === 0) return undefined;
  const names = unknown.map((n) => `'${n}'`).join(", ");
  return `specialize: ${names} ${unknown.length === 1 ? "is not a dim" : "are not dims"} of the models compiled; ${known.length === 1 ? "their only dim is batch" : `their dims are ${known.join(", ")}`}`;
}
