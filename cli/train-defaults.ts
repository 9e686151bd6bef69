// `nnc train`'s defaults, apart from the training code so that the help text
// can name them without loading the compiler's back end and the runtime.
export const DEFAULT_EPOCHS = 12;
export const DEFAULT_BATCH = 16;

/** The global gradient norm recurrent models are clipped to unless --clip-norm says otherwise. */
export const DEFAULT_RECURRENT_CLIP_NORM = 5;
