// The WebAssembly memory the SIMD kernels work in, and the allocator that
// places a model's parameters, gradients and workspaces inside it, so a
// kernel call passes addresses instead of copying its operands.
//
// Growing a WebAssembly.Memory detaches every view into a plain (non-shared)
// buffer, but a model's `params` and `grads` arrays must never be replaced.
// A *shared* memory grows in place: views made before a grow stay valid (on
// the SharedArrayBuffer object of their time). So arrays are handed out only
// from a shared memory; where there is none (a page that is not
// cross-origin isolated), `shared` is false, `f32` returns ordinary arrays,
// and the kernels copy operands through scratch space instead.

const PAGE = 65536;
const ALIGN = 16;
/** The most pages a (32-bit) WebAssembly memory can have: 4 GiB. */
export const MAX_PAGES = 65536;

interface Block {
  at: number;
  bytes: number;
}

export class Arena {
  readonly memory: WebAssembly.Memory;
  readonly shared: boolean;
  /** Every buffer object the memory has had: views made before a grow hold an older one. */
  private readonly buffers = new Set<ArrayBufferLike>();
  private current: ArrayBufferLike;
  private top = ALIGN; // address 0 stays unused, so 0 can mean "no bias"
  /** Free blocks, sorted by address, never adjacent (they are merged). */
  private readonly free: Block[] = [];
  private readonly registry = new FinalizationRegistry<Block>((b) => this.release(b.at, b.bytes));
  /** The most bytes the memory can grow to: its maximum. */
  readonly maxBytes: number;

  /** `maxPages`: the memory's maximum (what it was created with; a memory does not tell). */
  constructor(memory: WebAssembly.Memory, shared: boolean, maxPages = MAX_PAGES) {
    this.memory = memory;
    this.shared = shared;
    this.maxBytes = maxPages * PAGE;
    this.current = memory.buffer;
    this.buffers.add(this.current);
  }

  /** The memory's buffer now (after any grow). */
  get buffer(): ArrayBufferLike {
    return this.current;
  }

  /** The byte address of a view into this memory, or -1 for any other array. */
  addressOf(a: Float32Array | Int32Array): number {
    const buf = a.buffer;
    return buf === this.current || this.buffers.has(buf) ? a.byteOffset : -1;
  }

  /**
   * Reserves `bytes` (16-byte aligned), growing the memory if needed; returns
   * the address. Where the memory cannot hold them, throws a RangeError that
   * states the sizes, and leaves the arena as it was: later allocations that
   * fit still succeed.
   */
  alloc(bytes: number): number {
    bytes = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    for (let i = 0; i < this.free.length; i++) {
      const f = this.free[i]!;
      if (f.bytes < bytes) continue;
      const at = f.at;
      if (f.bytes === bytes) this.free.splice(i, 1);
      else {
        f.at += bytes;
        f.bytes -= bytes;
      }
      return at;
    }
    const at = this.top;
    const top = at + bytes;
    const need = top - this.current.byteLength;
    if (need > 0) {
      if (top > this.maxBytes) throw new RangeError(`cannot allocate ${formatBytes(bytes)} in the WebAssembly memory: ${formatBytes(this.used)} of its ${formatBytes(this.maxBytes)} are in use`);
      const needed = Math.ceil(need / PAGE);
      // Grow by at least half again, so a run of allocations grows the memory a few times, not once each (never past the maximum).
      const room = this.maxBytes / PAGE - this.current.byteLength / PAGE;
      const pages = Math.min(Math.max(needed, Math.ceil(this.current.byteLength / PAGE / 2), 16), room);
      try {
        this.memory.grow(pages);
      } catch {
        // The generous step may be more than the system grants where the exact need is not.
        try {
          this.memory.grow(needed);
        } catch (e) {
          throw new RangeError(`cannot allocate ${formatBytes(bytes)} in the WebAssembly memory: growing it from ${formatBytes(this.current.byteLength)} to ${formatBytes(this.current.byteLength + needed * PAGE)} failed (${(e as Error).message})`, { cause: e });
        }
      }
      this.current = this.memory.buffer;
      this.buffers.add(this.current);
    }
    // Moved only once the bytes exist: a failed allocation leaves the arena usable.
    this.top = top;
    return at;
  }

  /** Bytes that can still be allocated (free blocks, and the memory up to its maximum), however fragmented. */
  get room(): number {
    return this.maxBytes - ALIGN - this.used;
  }

  /** Returns a block to the free list, merging it with free neighbours. */
  release(at: number, bytes: number): void {
    bytes = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let i = 0;
    while (i < this.free.length && this.free[i]!.at < at) i++;
    this.free.splice(i, 0, { at, bytes });
    const next = this.free[i + 1];
    if (next && at + bytes === next.at) {
      this.free[i]!.bytes += next.bytes;
      this.free.splice(i + 1, 1);
    }
    const prev = this.free[i - 1];
    if (prev && prev.at + prev.bytes === at) {
      prev.bytes += this.free[i]!.bytes;
      this.free.splice(i, 1);
    }
    // A free block at the top goes back to the bump pointer.
    const last = this.free[this.free.length - 1];
    if (last && last.at + last.bytes === this.top) {
      this.top = last.at;
      this.free.pop();
    }
  }

  /** A zeroed Float32Array of n elements in this memory, freed when it is garbage-collected. */
  f32(n: number): Float32Array {
    const at = this.alloc(n * 4);
    const a = new Float32Array(this.current, at, n);
    a.fill(0);
    this.registry.register(a, { at, bytes: n * 4 });
    return a;
  }

  i32(n: number): Int32Array {
    const at = this.alloc(n * 4);
    const a = new Int32Array(this.current, at, n);
    a.fill(0);
    this.registry.register(a, { at, bytes: n * 4 });
    return a;
  }

  /** Bytes in use (allocated and not yet freed): for tests and reports. */
  get used(): number {
    return this.top - ALIGN - this.free.reduce((s, f) => s + f.bytes, 0);
  }
}

/**
 * A shared memory where the platform allows one (its maximum is reserved as
 * address space up front, so the largest that succeeds is taken), else null.
 */
export function sharedMemory(): { memory: WebAssembly.Memory; maxPages: number } | null {
  if (typeof SharedArrayBuffer === "undefined") return null;
  for (const maximum of [MAX_PAGES, 16384, 4096]) {
    try {
      const memory = new WebAssembly.Memory({ initial: 16, maximum, shared: true });
      if (memory.buffer instanceof SharedArrayBuffer) return { memory, maxPages: maximum };
    } catch {
      // Too large a reservation for this platform, or no shared memory at all: try smaller, then give up.
    }
  }
  return null;
}

/** A size for a message: MiB (or KiB) and the exact bytes. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const size = bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toLocaleString("en-US", { maximumFractionDigits: 1 })} MiB` : `${(bytes / 1024).toLocaleString("en-US", { maximumFractionDigits: 1 })} KiB`;
  return `${size} (${bytes.toLocaleString("en-US")} bytes)`;
}
