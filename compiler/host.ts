// How the compiler reads imported files. The CLI backs this with the file
// system, the playground with its editor buffers; the compiler itself uses
// no Node-only API, so it runs unchanged in a browser.

export interface CompilerHost {
  /** The file's text, or undefined when it does not exist. */
  readFile(path: string): string | undefined;
  /** The path that `specifier` (as written in an import) names, relative to `fromFile`. */
  resolve(fromFile: string, specifier: string): string;
}

/** POSIX-style resolution of a relative specifier against the importing file's folder. */
export function resolveRelative(fromFile: string, specifier: string): string {
  if (specifier.startsWith("/")) return normalizePath(specifier);
  const slash = fromFile.lastIndexOf("/");
  const dir = slash >= 0 ? fromFile.slice(0, slash) : ".";
  return normalizePath(`${dir}/${specifier}`);
}

export function normalizePath(path: string): string {
  const absolute = path.startsWith("/");
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else if (part !== ".." || !absolute) out.push(part);
  }
  const joined = out.join("/");
  return absolute ? `/${joined}` : joined || ".";
}

/** A host over an in-memory map of file names to text (tests, the playground). */
export function memoryHost(files: Record<string, string>): CompilerHost {
  const normalized = new Map(Object.entries(files).map(([k, v]) => [normalizePath(k), v]));
  return {
    readFile: (path) => normalized.get(normalizePath(path)),
    resolve: resolveRelative,
  };
}
