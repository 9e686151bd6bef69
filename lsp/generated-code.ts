// The `nnc/generatedTypeScript` request: the module `nnc compile` would
// write for a document, from its latest analysis (the VS Code extension's
// "Show generated TypeScript"; any client can send it). Code generation
// (ts-morph, Prettier) is loaded on the first request only.
import type { Workspace } from "./workspace.ts";

export const GENERATED_TYPESCRIPT = "nnc/generatedTypeScript";

export interface GeneratedTypeScriptParams {
  uri: string;
  /** As `nnc compile --inference`: no training code. */
  inference?: boolean;
}

export interface GeneratedTypeScript {
  /** The module's TypeScript; absent when the file has errors. */
  code?: string;
  /** `file:line:col: message` for each error that stopped generation. */
  errors: string[];
}

export async function generatedTypeScript(ws: Workspace, params: GeneratedTypeScriptParams): Promise<GeneratedTypeScript> {
  const analysis = ws.analysisOf(params.uri);
  if (!analysis) return { errors: [`${params.uri} cannot be read`] };
  const { generate } = await import("../compiler/codegen/index.ts");
  const result = generate(analysis.result, { inference: !!params.inference });
  const errors = result.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.span.file}:${d.span.line}:${d.span.column}: ${d.message}`);
  return { ...(result.code !== undefined ? { code: result.code } : {}), errors };
}
