// Formatting .nn text in memory, in Node or a browser (Prettier's standalone build).
import { format } from "prettier/standalone";
import plugin from "./plugin.ts";

export interface FormatOptions {
  /** Line width the printer aims for (default 80). */
  printWidth?: number;
}

/** Formats .nn source; throws a SyntaxError with `loc` when it does not parse. */
export function formatNn(text: string, options: FormatOptions = {}): Promise<string> {
  return format(text, { parser: "nn", plugins: [plugin], ...options });
}

export { plugin };
export type { NnSyntaxError } from "./parser.ts";
