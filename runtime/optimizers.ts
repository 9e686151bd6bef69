// Gradient-descent optimisers that update a model's `params` in place from its
// `grads` (spec §8: both are name → Float32Array, never replaced).
//
// Update rules follow Keras (and its defaults, e.g. Adam's ε = 1e-7), so
// hyper-parameters carry over from Keras examples unchanged:
//   sgd       p −= lr·g
//   momentum  v = μ·v − lr·g;  p += v            (nesterov: p += μ·v − lr·g)
//   adam      m += (1−β1)(g − m);  v += (1−β2)(g² − v)
//             p −= lr·√(1−β2ᵗ)/(1−β1ᵗ) · m / (√v + ε)
//   adamw     p −= lr·wd·p, then the adam step (decay decoupled from g)
//
// Per-parameter state ("slots": momentum's velocity, Adam's m and v) is
// allocated the first time a parameter name is seen and reused for every
// later step: `step` allocates nothing once warm.
//
// Gradient clipping (`clipNorm`) uses the global norm over all gradients
// (Keras's `global_clipnorm`): when ‖g‖ > clipNorm every gradient is scaled
// by clipNorm/‖g‖. The scale is applied while reading, so `grads` is never
// modified: the caller's arrays still hold the true gradients afterwards.

import type { ParamMap } from "./types.ts";

export const OPTIMIZER_NAMES = ["sgd", "momentum", "adam", "adamw"] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** What `getState` returns and `setState` takes, e.g. to save with a checkpoint. */
export interface OptimizerState {
  /** Steps taken so far (Adam's bias correction depends on it). */
  iterations: number;
  /** Slot arrays keyed `${slot}/${param}`, e.g. "m/dense_1.kernel". */
  slots: Record<string, Float32Array>;
}

export interface Optimizer {
  readonly name: OptimizerName;
  /** The learning rate; assign to it between steps for a schedule. */
  lr: number;
  readonly iterations: number;
  /** One update of every parameter in `params` from the gradient of the same name. */
  step(params: ParamMap, grads: ParamMap): void;
  /** A copy of the slots and step count. */
  getState(): OptimizerState;
  /** Replaces the slots and step count with a copy of `state` (from `getState`). */
  setState(state: OptimizerState): void;
}

export interface CommonOptions {
  /** Learning rate (Keras defaults: 0.01 for sgd and momentum, 0.001 for adam and adamw). */
  lr?: number;
  /** Clip the global gradient norm to this value. */
  clipNorm?: number;
}
export interface SgdOptions extends CommonOptions {}
export interface MomentumOptions extends CommonOptions {
  momentum?: number;
  nesterov?: boolean;
}
export interface AdamOptions extends CommonOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}
export interface AdamWOptions extends AdamOptions {
  weightDecay?: number;
  /** Which parameters decay (asked once per name); default: all. A common choice excludes biases. */
  decays?: (name: string) => boolean;
}
export type OptimizerOptions = SgdOptions & MomentumOptions & AdamOptions & AdamWOptions;

function check(ok: boolean, optimizer: string, option: string, rule: string, value: unknown): void {
  if (!ok) throw new Error(`${optimizer}: option ${option} must be ${rule}, got ${String(value)}`);
}
const finite = (x: number): boolean => Number.isFinite(x);

abstract class BaseOptimizer implements Optimizer {
  abstract readonly name: OptimizerName;
  iterations = 0;
  private lrValue = 0;
  private readonly clipNorm: number | undefined;
  /** Slot arrays per parameter name, in `slotNames` order. */
  private readonly slots = new Map<string, Float32Array[]>();

  protected constructor(
    private readonly label: OptimizerName,
    lr: number,
    clipNorm: number | undefined,
    private readonly slotNames: readonly string[],
  ) {
    this.lr = lr;
    if (clipNorm !== undefined) check(finite(clipNorm) && clipNorm > 0, label, "clipNorm", "a finite number > 0", clipNorm);
    this.clipNorm = clipNorm;
  }

  get lr(): number {
    return this.lrValue;
  }
  set lr(value: number) {
    // 0 is allowed: a schedule may decay to it.
    check(finite(value) && value >= 0, this.label, "lr", "a finite number >= 0", value);
    this.lrValue = value;
  }

  /** Updates one parameter; `scale` multiplies every gradient value (clipping). */
  protected abstract update(name: string, p: Float32Array, g: Float32Array, slots: Float32Array[], scale: number): void;
  /** Per-step constants (bias corrections), computed once before the parameter loop. */
  protected beginStep(): void {}

  step(params: ParamMap, grads: ParamMap): void {
    this.validate(params, grads);
    const scale = this.clipNorm === undefined ? 1 : this.clipScale(grads, this.clipNorm);
    this.iterations++;
    this.beginStep();
    for (const name in params) {
      this.update(name, params[name], grads[name], this.slotsFor(name, params[name].length), scale);
    }
  }

  private slotsFor(name: string, length: number): Float32Array[] {
    let slots = this.slots.get(name);
    if (slots === undefined) {
      slots = this.slotNames.map(() => new Float32Array(length));
      this.slots.set(name, slots);
      this.onNewParam(name);
    }
    return slots;
  }
  /** Hook for per-name settings decided once (AdamW's decay filter). */
  protected onNewParam(_name: string): void {}

  /** A state slot's length when it differs from the parameter's (the optimizer was used with another model). */
  private stateMismatch(name: string, length: number): number | undefined {
    const slots = this.slots.get(name);
    return slots !== undefined && slots.length > 0 && slots[0].length !== length ? slots[0].length : undefined;
  }

  /**
   * Everything is checked before any parameter changes, so a rejected step
   * leaves the model as it was. Cheap when all is well; the message is built
   * only when something is wrong.
   */
  private validate(params: ParamMap, grads: ParamMap): void {
    let ok = true;
    for (const name in params) {
      const g = Object.hasOwn(grads, name) ? grads[name] : undefined;
      const length = params[name].length;
      if (g === undefined || g.length !== length || this.stateMismatch(name, length) !== undefined) ok = false;
    }
    for (const name in grads) if (!Object.hasOwn(params, name)) ok = false;
    if (ok) return;
    const problems: string[] = [];
    for (const name in params) {
      const g = Object.hasOwn(grads, name) ? grads[name] : undefined;
      if (g === undefined) problems.push(`'${name}' has no gradient`);
      else if (g.length !== params[name].length) {
        problems.push(`'${name}' has ${params[name].length} values but its gradient has ${g.length}`);
      }
      const stateLength = this.stateMismatch(name, params[name].length);
      if (stateLength !== undefined) {
        problems.push(`'${name}' has ${params[name].length} values but its optimizer state has ${stateLength}`);
      }
    }
    for (const name in grads) if (!Object.hasOwn(params, name)) problems.push(`gradient '${name}' has no parameter`);
    throw new Error(`${this.label}.step: ${problems.join("; ")}`);
  }

  private clipScale(grads: ParamMap, clipNorm: number): number {
    let sum = 0;
    for (const name in grads) {
      const g = grads[name];
      for (let i = 0; i < g.length; i++) sum += g[i] * g[i];
    }
    const norm = Math.sqrt(sum);
    if (!Number.isFinite(norm)) {
      // Scaling would turn every gradient into NaN; say where the problem is instead.
      let culprit = "?";
      for (const name in grads) if (grads[name].some((x) => !Number.isFinite(x))) { culprit = name; break; }
      throw new Error(`${this.label}: the gradient norm is not finite (first non-finite gradient: '${culprit}')`);
    }
    return norm > clipNorm ? clipNorm / norm : 1;
  }

  getState(): OptimizerState {
    const slots: Record<string, Float32Array> = {};
    for (const [param, arrays] of this.slots) {
      arrays.forEach((a, i) => (slots[`${this.slotNames[i]}/${param}`] = a.slice()));
    }
    return { iterations: this.iterations, slots };
  }

  setState(state: OptimizerState): void {
    const { iterations, slots } = state;
    if (!Number.isInteger(iterations) || iterations < 0) {
      throw new Error(`${this.label}.setState: iterations must be an integer >= 0, got ${iterations}`);
    }
    const byParam = new Map<string, Float32Array[]>();
    for (const key in slots) {
      const cut = key.indexOf("/");
      const slot = key.slice(0, cut);
      const index = this.slotNames.indexOf(slot);
      if (cut < 0 || index < 0) {
        throw new Error(`${this.label}.setState: unknown slot '${key}' (expected ${this.slotNames.map((s) => `'${s}/<param>'`).join(", ") || "no slots"})`);
      }
      const param = key.slice(cut + 1);
      const arrays = byParam.get(param) ?? new Array<Float32Array>(this.slotNames.length);
      arrays[index] = slots[key].slice();
      byParam.set(param, arrays);
    }
    for (const [param, arrays] of byParam) {
      for (let i = 0; i < this.slotNames.length; i++) {
        if (arrays[i] === undefined) throw new Error(`${this.label}.setState: parameter '${param}' lacks slot '${this.slotNames[i]}/${param}'`);
        if (arrays[i].length !== arrays[0].length) {
          throw new Error(`${this.label}.setState: slots of '${param}' differ in length (${arrays[0].length} vs ${arrays[i].length})`);
        }
      }
    }
    this.slots.clear();
    this.iterations = iterations;
    for (const [param, arrays] of byParam) {
      this.slots.set(param, arrays);
      this.onNewParam(param);
    }
  }
}

class Sgd extends BaseOptimizer {
  readonly name = "sgd";
  constructor(o: SgdOptions) {
    super("sgd", o.lr ?? 0.01, o.clipNorm, []);
  }
  protected update(_name: string, p: Float32Array, g: Float32Array, _slots: Float32Array[], scale: number): void {
    const k = this.lr * scale;
    for (let i = 0; i < p.length; i++) p[i] -= k * g[i];
  }
}

class Momentum extends BaseOptimizer {
  readonly name = "momentum";
  private readonly momentum: number;
  private readonly nesterov: boolean;
  constructor(o: MomentumOptions) {
    super("momentum", o.lr ?? 0.01, o.clipNorm, ["velocity"]);
    this.momentum = o.momentum ?? 0.9;
    this.nesterov = o.nesterov ?? false;
    check(finite(this.momentum) && this.momentum >= 0 && this.momentum < 1, "momentum", "momentum", "in [0, 1)", this.momentum);
  }
  protected update(_name: string, p: Float32Array, g: Float32Array, slots: Float32Array[], scale: number): void {
    const v = slots[0];
    const mu = this.momentum;
    const k = this.lr * scale;
    if (this.nesterov) {
      for (let i = 0; i < p.length; i++) {
        const vi = mu * v[i] - k * g[i];
        v[i] = vi;
        p[i] += mu * vi - k * g[i];
      }
    } else {
      for (let i = 0; i < p.length; i++) {
        const vi = mu * v[i] - k * g[i];
        v[i] = vi;
        p[i] += vi;
      }
    }
  }
}

class Adam extends BaseOptimizer {
  readonly name: OptimizerName = "adam";
  protected readonly beta1: number;
  protected readonly beta2: number;
  protected readonly epsilon: number;
  private alpha = 0;

  constructor(o: AdamOptions, label: OptimizerName = "adam") {
    super(label, o.lr ?? 0.001, o.clipNorm, ["m", "v"]);
    this.beta1 = o.beta1 ?? 0.9;
    this.beta2 = o.beta2 ?? 0.999;
    this.epsilon = o.epsilon ?? 1e-7;
    check(finite(this.beta1) && this.beta1 >= 0 && this.beta1 < 1, label, "beta1", "in [0, 1)", this.beta1);
    check(finite(this.beta2) && this.beta2 >= 0 && this.beta2 < 1, label, "beta2", "in [0, 1)", this.beta2);
    check(finite(this.epsilon) && this.epsilon > 0, label, "epsilon", "a finite number > 0", this.epsilon);
  }

  protected override beginStep(): void {
    // Bias correction folded into the step size (Keras): ε is added to √v, not to √v̂.
    const t = this.iterations;
    this.alpha = (this.lr * Math.sqrt(1 - Math.pow(this.beta2, t))) / (1 - Math.pow(this.beta1, t));
  }

  protected update(_name: string, p: Float32Array, g: Float32Array, slots: Float32Array[], scale: number): void {
    // Indexing, not destructuring: array destructuring allocates an iterator per call.
    const m = slots[0];
    const v = slots[1];
    const b1 = 1 - this.beta1;
    const b2 = 1 - this.beta2;
    const alpha = this.alpha;
    const eps = this.epsilon;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] * scale;
      const mi = m[i] + (gi - m[i]) * b1;
      const vi = v[i] + (gi * gi - v[i]) * b2;
      m[i] = mi;
      v[i] = vi;
      p[i] -= (alpha * mi) / (Math.sqrt(vi) + eps);
    }
  }
}

class AdamW extends Adam {
  override readonly name = "adamw";
  private readonly weightDecay: number;
  private readonly decays: (name: string) => boolean;
  /** The filter's answer per parameter name, asked once. */
  private readonly decaying = new Map<string, boolean>();

  constructor(o: AdamWOptions) {
    super(o, "adamw");
    this.weightDecay = o.weightDecay ?? 0.01;
    this.decays = o.decays ?? (() => true);
    check(finite(this.weightDecay) && this.weightDecay >= 0, "adamw", "weightDecay", "a finite number >= 0", this.weightDecay);
  }

  protected override onNewParam(name: string): void {
    this.decaying.set(name, this.decays(name));
  }

  protected override update(name: string, p: Float32Array, g: Float32Array, slots: Float32Array[], scale: number): void {
    if (this.decaying.get(name) === true && this.weightDecay > 0) {
      const keep = 1 - this.lr * this.weightDecay;
      for (let i = 0; i < p.length; i++) p[i] *= keep;
    }
    super.update(name, p, g, slots, scale);
  }
}

export function sgd(options: SgdOptions = {}): Optimizer {
  return new Sgd(options);
}
export function momentum(options: MomentumOptions = {}): Optimizer {
  return new Momentum(options);
}
export function adam(options: AdamOptions = {}): Optimizer {
  return new Adam(options);
}
export function adamw(options: AdamWOptions = {}): Optimizer {
  return new AdamW(options);
}

const OPTIONS: Record<OptimizerName, readonly (keyof OptimizerOptions)[]> = {
  sgd: ["lr", "clipNorm"],
  momentum: ["lr", "momentum", "nesterov", "clipNorm"],
  adam: ["lr", "beta1", "beta2", "epsilon", "clipNorm"],
  adamw: ["lr", "beta1", "beta2", "epsilon", "weightDecay", "decays", "clipNorm"],
};

function isOptimizerName(name: string): name is OptimizerName {
  return (OPTIMIZER_NAMES as readonly string[]).includes(name);
}

/**
 * An optimiser by name, for the CLI. Options left undefined take their
 * defaults; an option the optimiser does not take is an error (a `--momentum`
 * given to adam is more likely a mistake than a wish).
 */
export function createOptimizer(name: string, options: OptimizerOptions = {}): Optimizer {
  if (!isOptimizerName(name)) {
    throw new Error(`unknown optimizer '${name}'; valid optimizers are ${OPTIMIZER_NAMES.join(", ")}`);
  }
  const allowed: readonly string[] = OPTIONS[name];
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined && !allowed.includes(key)) {
      throw new Error(`optimizer '${name}' has no option '${key}'; its options are ${allowed.join(", ")}`);
    }
  }
  switch (name) {
    case "sgd":
      return sgd(options);
    case "momentum":
      return momentum(options);
    case "adam":
      return adam(options);
    case "adamw":
      return adamw(options);
  }
}
