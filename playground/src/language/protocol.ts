// Messages between the page and its two workers. Offsets are UTF-16 offsets
// into the source, as Monaco's model.getOffsetAt gives them.
import type { CompletionItem } from "../../../compiler/service/completion.ts";
import type { Marker } from "../../../compiler/service/diagnostics.ts";
import type { ModelGraph } from "./graph.ts";
import type { Hover } from "../../../compiler/service/hover.ts";
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

export interface KernelsInUse {
  set: "js" | "wasm";
  /** The relaxed-SIMD (FMA) build of the WebAssembly kernels (docs/kernels.md). */
  fma: boolean;
  threads: 1 | 2;
}

/** Products the second thread shared (split), ran alone while waking it, and the chunks it computed. */
export interface HelperReport {
  split: number;
  woken: number;
  chunks: number;
}

export type TrainRequest =
  | { type: "compile"; source: string }
  /** threads: 2 splits large products with a second worker (runtime/threads-web.ts). */
  | { type: "train"; source: string; steps: number; batch: number; lr: number; threads: 1 | 2 }
  | { type: "stop" }
  | { type: "predict"; pixels: Float32Array };

export type TrainResponse =
  | { type: "compiled"; code: string }
  | { type: "compile-failed"; message: string }
  /** kernels: which set runs the products, and on how many threads. */
  | { type: "started"; model: string; data: string; params: number; canDraw: boolean; kernels: KernelsInUse }
  | { type: "progress"; report: SliceReport; step: number; total: number }
  /** helper: how the second thread took part (absent on one thread). */
  | { type: "finished"; reason: string; helper?: HelperReport }
  | { type: "failed"; message: string }
  | { type: "prediction"; probabilities: number[] };
