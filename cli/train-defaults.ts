// `nnc train`'s defaults, apart from the training code so that the help text
// can name them without loading the compiler's back end and the runtime.
export const DEFAULT_EPOCHS = 12;
export const DEFAULT_BATCH = 16;

/** The global gradient norm recurrent models are clipped to unless --clip-norm says otherwise. */
export const DEFAULT_RECURRENT_CLIP_NORM = 5;

/**
 * `--threads auto`: a second kernel thread where the machine has 4 or more
 * cores. On two cores shared with other work it cost LeNet and the LSTM
 * time; where a core is free it gained 1.2–1.5× (docs/kernels.md).
 */
export function defaultThreads(cores: number): 1 | 2 {
  return cores >= 4 ? 2 : 1;
}
