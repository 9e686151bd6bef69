// The activations a producing op can fuse (relu, tanh, sigmoid, leaky_relu),
// written once as the JavaScript that generated code inlines: used by the
// activation layers, by the fused epilogues of dense, convolution and
// attention ops, and by the recurrent cells. `product` is the code of the
// activation the runtime's matrix products apply as they store (runtime
// `Act`); leaky_relu has none and runs as a loop after the product.
import { Act } from "../../runtime/act.ts";

/** An activation fused into the op that produces its input. */
export type FusedActivation = "relu" | "tanh" | "sigmoid" | { kind: "leaky_relu"; alpha: number };

export interface ActivationMath {
  /** f(v), with `v` an expression (evaluated twice by some: pass a name or an element). */
  forward(v: string): string;
  /** The gradient at the pre-activation, from the output's gradient `dy` and the output `y`. */
  gradient(dy: string, y: string): string;
  /** Its code for the runtime's products (Act.none: the product stores pre-activations). */
  product: number;
}

export const relu: ActivationMath = {
  forward: (v) => `(${v} > 0 ? ${v} : 0)`,
  gradient: (dy, y) => `(${y} > 0 ? ${dy} : 0)`,
  product: Act.relu,
};

export const tanh: ActivationMath = {
  forward: (v) => `Math.tanh(${v})`,
  gradient: (dy, y) => `${dy} * (1 - ${y} * ${y})`,
  product: Act.tanh,
};

export const sigmoid: ActivationMath = {
  forward: (v) => `1 / (1 + Math.exp(-(${v})))`,
  gradient: (dy, y) => `${dy} * ${y} * (1 - ${y})`,
  product: Act.sigmoid,
};

export function leakyRelu(alpha: number): ActivationMath {
  return {
    forward: (v) => `(${v} > 0 ? ${v} : ${alpha} * ${v})`,
    gradient: (dy, y) => `(${y} > 0 ? ${dy} : ${alpha} * ${dy})`,
    product: Act.none,
  };
}

const byName = { relu, tanh, sigmoid } as const;

/** The math of a fused activation. */
export function activationMath(a: FusedActivation): ActivationMath {
  return typeof a === "string" ? byName[a] : leakyRelu(a.alpha);
}

/** The fused form of an activation layer with these options, or undefined for a layer that does not fuse. */
export function fusable(layer: string, options: Record<string, unknown>): FusedActivation | undefined {
  if (layer === "leaky_relu") return { kind: "leaky_relu", alpha: options.alpha as number };
  return layer in byName ? (layer as keyof typeof byName) : undefined;
}
