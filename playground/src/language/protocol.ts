// Messages between the page and its two workers. Offsets are UTF-16 offsets
// into the source, as Monaco's model.getOffsetAt gives them.
import type { CompletionItem } from "../../../compiler/service/completion.ts";
import type { Marker } from "../../../compiler/service/diagnostics.ts";
import type { ModelGraph } from "./graph.ts";
import type { Hover } from "../../../compiler/service/hover.ts";
import type { SliceReport } from "../training/session.ts";
import type { DataReport } from "../training/user-data.ts";
import type { Metrics } from "../../../runtime/datasets/metrics.ts";

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

/** The user's file and how its fields map to the model (`--map` text; empty: by the rules). */
export interface UserFile {
  file: File;
  map: string;
}

/** What training on the user's file ended with: metrics of the held-out part (or the training data) and the weights. */
export interface UserRunReport {
  label: string;
  metrics?: Metrics;
  classNames?: string[];
  trainCount: number;
  validationCount: number;
  /** A .safetensors file as `nnc train --save` writes it, and its suggested name. */
  weights?: Uint8Array;
  weightsName: string;
}

export type TrainRequest =
  | { type: "compile"; source: string }
  /** Reads and checks the user's file for the source's model, without training. */
  | ({ type: "inspect"; source: string } & UserFile)
  /**
   * threads: 2 splits large products with a second worker (runtime/threads-web.ts).
   * data: train on the user's file for whole epochs (steps is then ignored).
   */
  | { type: "train"; source: string; steps: number; batch: number; lr: number; threads: 1 | 2; data?: UserFile & { epochs: number; valSplit: number } }
  | { type: "stop" }
  | { type: "predict"; pixels: Float32Array };

export type TrainResponse =
  | { type: "compiled"; code: string }
  | { type: "compile-failed"; message: string }
  /** kernels: which set runs the products, and on how many threads. */
  | { type: "started"; model: string; data: string; params: number; canDraw: boolean; kernels: KernelsInUse }
  | { type: "progress"; report: SliceReport; step: number; total: number }
  /** helper: how the second thread took part (absent on one thread). */
  | { type: "finished"; reason: string; helper?: HelperReport; result?: UserRunReport }
  | { type: "data"; report: DataReport }
  | { type: "data-failed"; file: string; message: string }
  /** How far reading a large file has come: `reading: 45%`, `decoding images: 120 of 800`. */
  | { type: "data-progress"; file: string; what: string }
  | { type: "failed"; message: string }
  | { type: "prediction"; probabilities: number[] };
