// Types shared by the runtime's modules, matching the emitted module's
// contract (spec §8): parameters and gradients are name → flat row-major
// Float32Array, shapes are name → dims.

/** Parameter (or gradient) arrays by name. */
export type ParamMap = Record<string, Float32Array>;

/** Shapes by name, like a model class's static `params`. */
export type ShapeMap = Record<string, readonly number[]>;

/** "[2, 3]": how shapes appear in error messages. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** The number of elements of a shape (1 for a scalar []). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
