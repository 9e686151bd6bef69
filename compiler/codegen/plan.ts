// Buffer planning by liveness. Every buffer a step reads or writes
// (activations, gradients, saved masks and statistics) lives from its first
// step to its last; buffers whose lifetimes do not overlap share one
// allocation, sized for the largest. Allocation happens once per (batch,
// symbols), so a training step after the first allocates nothing.
import type { Dtype } from "../types.ts";
import type { KernelArg } from "./kernel.ts";

export interface BufferUse {
  key: string;
  dtype: Dtype;
  /** JavaScript for the element count, in terms of B and the symbols. */
  size: string;
}

export interface Slot {
  name: string;
  dtype: Dtype;
  sizes: string[];
}

export interface Plan {
  slots: Slot[];
  /** buffer key → slot name */
  slotOf: Map<string, string>;
}

/**
 * `steps[i]` lists the buffers step i touches. `pinned` buffers (model
 * outputs) live to the end. Greedy interval colouring in order of first use.
 */
export function planBuffers(steps: BufferUse[][], pinned: Set<string>, prefix: string): Plan {
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  const info = new Map<string, BufferUse>();
  steps.forEach((uses, i) => {
    for (const u of uses) {
      if (!first.has(u.key)) first.set(u.key, i);
      last.set(u.key, pinned.has(u.key) ? Infinity : i);
      info.set(u.key, u);
    }
  });
  const slots: (Slot & { freeAfter: number })[] = [];
  const slotOf = new Map<string, string>();
  const order = [...first.keys()].sort((a, b) => first.get(a)! - first.get(b)!);
  for (const key of order) {
    const use = info.get(key)!;
    const start = first.get(key)!;
    // A slot is free once its last occupant's last step is strictly before this start.
    const slot = slots.find((s) => s.dtype === use.dtype && s.freeAfter < start);
    if (slot) {
      if (!slot.sizes.includes(use.size)) slot.sizes.push(use.size);
      slot.freeAfter = last.get(key)!;
      slotOf.set(key, slot.name);
    } else {
      const s = { name: `${prefix}${slots.length}`, dtype: use.dtype, sizes: [use.size], freeAfter: last.get(key)! };
      slots.push(s);
      slotOf.set(key, s.name);
    }
  }
  return { slots: slots.map(({ name, dtype, sizes }) => ({ name, dtype, sizes })), slotOf };
}

/** The buffer key of a kernel argument, or undefined for arguments that are not workspace buffers. */
export function bufferKey(arg: KernelArg, opIndex: number): string | undefined {
  switch (arg.kind) {
    case "tensor":
      return arg.tensor.role === "activation" ? `t${arg.tensor.id}` : undefined;
    case "grad":
      return `g${arg.tensor.id}`;
    case "aux":
      return `a${opIndex}_${arg.key}`;
    default:
      return undefined;
  }
}
