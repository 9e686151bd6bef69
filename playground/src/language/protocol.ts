// Messages between the page and its two workers. Offsets are UTF-16 offsets
// into the source, as Monaco's model.getOffsetAt gives them.
import type { CompletionItem } from "./completion.ts";
import type { Marker } from "./diagnostics.ts";
import type { ModelGraph } from "./graph.ts";
import type { Hover } from "./hover.ts";
import type { SliceReport } from "../training/session.ts";

export type LanguageRequest =
  | { type: "update"; version: number; source: string }
  | { type: "hover"; id: number; offset: number }
  | { type: "complete"; id: number; offset: number }
  | { type: "definition"; id: number; offset: number };

export interface AnalysisMessage {
  type: "analysis";
  version: number;
  markers: Marker[];
  graphs: ModelGraph[];
  /** `nnc summary` tables, one per model. */
  summaries: string[];
  /** How long the check took, in milliseconds. */
  checkMs: number;
}

export type LanguageResponse =
  | AnalysisMessage
  | { type: "reply"; id: number; result: Hover | CompletionItem[] | { start: number; end: number } | undefined };

export type TrainRequest =
  | { type: "compile"; source: string }
  | { type: "train"; source: string; steps: number; batch: number; lr: number }
  | { type: "stop" }
  | { type: "predict"; pixels: Float32Array };

export type TrainResponse =
  | { type: "compiled"; code: string }
  | { type: "compile-failed"; message: string }
  /** `kernels`: the worker's kernel set, "wasm FMA" where the relaxed-SIMD build runs (docs/kernels.md). */
  | { type: "started"; model: string; data: string; params: number; canDraw: boolean; kernels: string }
  | { type: "progress"; report: SliceReport; step: number; total: number }
  | { type: "finished"; reason: string }
  | { type: "failed"; message: string }
  | { type: "prediction"; probabilities: number[] };
