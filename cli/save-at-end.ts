// How a training run ends with --save, for the built-in tasks (cli/train.ts)
// and for data files (cli/train-data.ts) alike: never save what training did
// not produce, nor weights that are not finite (the file there, if any,
// stays), and say what was saved and after what.
import { existsSync } from "node:fs";
import { describeNonFinite, findNonFinite } from "../runtime/index.ts";
import { UserError } from "./user-error.ts";

/** The exit status after Ctrl-C, as shells report a process ended by SIGINT (128 + 2). */
export const INTERRUPTED_EXIT = 130;

/** "; the file already there was left as it was", when there is one. */
export function existsNote(path: string): string {
  return existsSync(path) ? "; the file already there was left as it was" : "";
}

export interface RunEnd {
  params: Record<string, Float32Array>;
  save: string | undefined;
  interrupted: boolean;
  /** Training stopped on a loss or weights that were not finite (the model holds the last finite step's weights). */
  diverged: boolean;
  /** Steps completed, and where the run stopped ("epoch 2, step 14"). */
  steps: number;
  at: string;
}

/** Saves (through `write`) when it may, reports, and returns the exit status. */
export function saveAtEnd(end: RunEnd, write: () => void): number {
  const { save, interrupted, diverged, steps } = end;
  const status = interrupted ? INTERRUPTED_EXIT : diverged ? 1 : 0;
  const stoppedAt = interrupted ? `Interrupted after ${steps ? end.at : "no steps"}` : undefined;
  if (!save) {
    if (stoppedAt) process.stdout.write(`${stoppedAt}; nothing saved (no --save)\n`);
    return status;
  }
  const bad = findNonFinite(end.params);
  if (bad.length || steps === 0) {
    const why = bad.length ? `the weights are not all finite: ${describeNonFinite(bad)}; no finite weights to save` : `no training step completed${diverged ? " with finite weights" : ""}`;
    process.stderr.write(`nnc: not saving to ${save}: ${why}${existsNote(save)}\n`);
    return interrupted ? INTERRUPTED_EXIT : 1;
  }
  try {
    write();
  } catch (e) {
    throw new UserError(`cannot save to ${save}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}${existsNote(save)}`);
  }
  if (diverged) process.stdout.write(`${stoppedAt ? `${stoppedAt}: saved` : "Saved"} the weights of the last finite step to ${save}\n`);
  else if (stoppedAt) process.stdout.write(`${stoppedAt}: saved the weights of that step to ${save}\n`);
  else process.stdout.write(`Saved weights to ${save}\n`);
  return status;
}
