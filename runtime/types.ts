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

/**
 * A parameter array holding NaN or ±Infinity: training stops before such
 * weights, loadParams refuses them, `nnc train` never saves them.
 */
export interface NonFiniteParam {
  name: string;
  /** How many of its values are NaN or infinite. */
  count: number;
  /** The first such value's index (row-major) and the value. */
  index: number;
  value: number;
  length: number;
}

/** Every parameter holding NaN or ±Infinity, in the order of `params`; empty when all are finite. */
export function findNonFinite(params: ParamMap): NonFiniteParam[] {
  const found: NonFiniteParam[] = [];
  for (const [name, a] of Object.entries(params)) {
    let count = 0;
    let index = -1;
    // x - x is 0 for every finite x, NaN for NaN and ±Infinity.
    for (let i = 0; i < a.length; i++) {
      if (a[i]! - a[i]! !== 0) {
        if (index < 0) index = i;
        count++;
      }
    }
    if (count) found.push({ name, count, index, value: a[index]!, length: a.length });
  }
  return found;
}

/** `'dense_1.kernel' (3 of 7840 values, the first NaN at index 17)`, for messages. */
export function describeNonFinite(found: readonly NonFiniteParam[]): string {
  const one = (f: NonFiniteParam) => `'${f.name}' (${f.count} of ${f.length} values, the first ${f.value} at index ${f.index})`;
  const shown = found.slice(0, 3).map(one).join(", ");
  return found.length > 3 ? `${shown} and ${found.length - 3} more` : shown;
}

/** Whether every value of every array is finite (stops at the first that is not): training checks this after every update. */
export function allFinite(params: ParamMap): boolean {
  for (const a of Object.values(params)) for (let i = 0; i < a.length; i++) if (a[i]! - a[i]! !== 0) return false;
  return true;
}
