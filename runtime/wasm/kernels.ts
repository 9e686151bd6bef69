// The WebAssembly SIMD products behind the runtime's product signatures
// (runtime/matmul.ts has the same functions in plain JavaScript). Operands
// that live in the arena's memory are passed by address; any other array
// (a caller's input, or every array where memory cannot be shared) is copied
// into scratch space first, and a foreign C copied back after.
import { Arena, MAX_PAGES, sharedMemory } from "./arena.ts";
import * as binary from "./binary.ts";
import { withSharedMemory } from "./shared-import.ts";
import { batchCut, Kind, productCut, type ProductExports, type SecondCore } from "./second-core.ts";
import type { Kernels, PackedB, WindowArgs } from "../kernel-types.ts";

type GemmExport = (
  m: number, n: number, k: number,
  a: number, rsA: number, csA: number,
  b: number, rsB: number, csB: number,
  c: number, ldc: number,
  bias: number, relu: number, accumulate: number,
  scratch: number,
) => void;

type PackAllExport = (k: number, n: number, b: number, rsB: number, csB: number, to: number) => void;
type GemmPackedExport = (m: number, n: number, k: number, a: number, rsA: number, csA: number, panels: number, c: number, ldc: number, accumulate: number, stage: number) => void;

/** Bᵀ packed into the memory as gemm's column panels; `panels` is null where B lies outside the memory. */
class WasmPackedB implements PackedB {
  constructor(
    readonly k: number,
    readonly n: number,
    readonly b: Float32Array,
    readonly bOff: number,
    readonly ldb: number,
    readonly panels: Float32Array | null,
  ) {}
}

type WindowExport = (x: number, col: number, ...window: WindowArgs) => void;
type ConvForwardExport = (x: number, w: number, bias: number, y: number, relu: number, F: number, scratch: number, ...window: WindowArgs) => void;
type ConvFilterGradExport = (x: number, dy: number, gw: number, F: number, scratch: number, ...window: WindowArgs) => void;
type MaxPoolExport = (x: number, y: number, arg: number, B: number, C: number, L0: number, L1: number, L2: number, O0: number, O1: number, O2: number, K0: number, K1: number, K2: number, S0: number, S1: number, S2: number, P0: number, P1: number, P2: number) => void;
type ConvScratchExport = (filterGrad: number, ...window: WindowArgs) => number;

/** The window after its batch size. */
const rest = (win: WindowArgs) => win.slice(1) as Tail<WindowArgs>;
type Tail<T extends unknown[]> = T extends [unknown, ...infer R] ? R : never;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  // atob exists in browsers, workers and Node ≥ 16.
  return Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
}

let plainBytes: Uint8Array<ArrayBuffer> | undefined;
let relaxedBytes: Uint8Array<ArrayBuffer> | undefined;

/**
 * The kernels' module importing a plain memory: the relaxed-SIMD build or
 * the plain SIMD one. Each embedded build is named once in the runtime, so
 * a minifier that inlines constants (Vite's) cannot copy its 56 kB of base64.
 */
function moduleBytes(fma: boolean): Uint8Array<ArrayBuffer> {
  return fma ? (relaxedBytes ??= decode(binary.plainRelaxed)) : (plainBytes ??= decode(binary.plain));
}

/** Whether this engine runs WebAssembly SIMD (the kernels' module validates). */
export function simdSupported(): boolean {
  return typeof WebAssembly === "object" && WebAssembly.validate(moduleBytes(false));
}

/**
 * Whether this engine runs relaxed SIMD, so the kernels can use the build
 * whose multiply-add is `f32x4.relaxed_madd` (FMA): Chromium does by
 * default, Node 20 only with --experimental-wasm-relaxed-simd.
 */
export function relaxedSimdSupported(): boolean {
  return typeof WebAssembly === "object" && WebAssembly.validate(moduleBytes(true));
}

export class WasmKernels implements Kernels {
  readonly name = "wasm";
  /** Whether the relaxed-SIMD (FMA) build runs the kernels. */
  readonly fma: boolean;
  readonly arena: Arena;
  private readonly gemmRaw: GemmExport;
  private readonly im2colRaw: WindowExport;
  private readonly col2imRaw: WindowExport;
  private readonly convForwardRaw: ConvForwardExport;
  private readonly convFilterGradRaw: ConvFilterGradExport;
  private readonly convScratchRaw: ConvScratchExport;
  private readonly maxPoolRaw: MaxPoolExport;
  private readonly scatterAddRaw: (dx: number, arg: number, dy: number, n: number) => void;
  private readonly reluGradRaw: (dy: number, y: number, n: number) => void;
  private readonly columnSumsRaw: (src: number, rows: number, width: number, dst: number) => void;
  private readonly packAllRaw: PackAllExport;
  private readonly gemmPackedRaw: GemmPackedExport;
  private readonly convInputGradRaw: (dy: number, w: number, dx: number, F: number, scratch: number, ...window: WindowArgs) => void;
  private readonly convInputGradScratchRaw: (F: number, patch: number) => number;
  /**
   * Packed handles per weight array and geometry, reused step after step so
   * a step allocates nothing; dropped (and their panels returned to the
   * arena) with the weights.
   */
  private readonly packed = new WeakMap<Float32Array, Map<string, WasmPackedB>>();
  /** The product exports, as a helper thread's chunks call them too. */
  private readonly products: ProductExports;
  /** The compiled module, for a helper thread to instantiate on the same memory (runtime/threads-node.ts). */
  readonly module: WebAssembly.Module;
  /** The instance on this realm's memory (the fused kernels look their exports up in it). */
  private readonly instance: WebAssembly.Instance;
  /** Splits large products with a helper thread when set (runtime/wasm/second-core.ts). */
  private second: SecondCore | null = null;
  private helperScratchAt = 0;
  private helperScratchBytes = 0;
  private scratchAt = 0;
  private scratchBytes = 0;
  /** A view of the whole memory for copies, remade when the memory's buffer changes. */
  private heap: Float32Array = new Float32Array(0);

  /**
   * `shared: false` uses a plain memory even where a shared one exists (tests
   * cover that path so); `fma: false` the plain SIMD build even where relaxed
   * SIMD validates (`fma: true` where it does not throws).
   */
  constructor(options: { shared?: boolean; fma?: boolean } = {}) {
    const shared = options.shared === false ? null : sharedMemory();
    const memory = shared?.memory ?? new WebAssembly.Memory({ initial: 16 });
    this.arena = new Arena(memory, shared !== null, shared?.maxPages);
    const relaxed = relaxedSimdSupported();
    if (options.fma && !relaxed) throw new Error("relaxed SIMD (FMA) kernels requested, but this engine does not validate them (Node 20: --experimental-wasm-relaxed-simd)");
    this.fma = options.fma ?? relaxed;
    // The shared-memory module is the plain one importing a shared memory of the builds' maximum (scripts/build-wasm.ts).
    const bytes = shared ? withSharedMemory(moduleBytes(this.fma), MAX_PAGES) : moduleBytes(this.fma);
    const module = new WebAssembly.Module(bytes);
    this.module = module;
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    this.instance = instance;
    this.gemmRaw = instance.exports.gemm as GemmExport;
    this.packAllRaw = instance.exports.packAll as PackAllExport;
    this.gemmPackedRaw = instance.exports.gemmPacked as GemmPackedExport;
    this.im2colRaw = instance.exports.im2col as WindowExport;
    this.col2imRaw = instance.exports.col2im as WindowExport;
    this.convForwardRaw = instance.exports.convForward as ConvForwardExport;
    this.convFilterGradRaw = instance.exports.convFilterGrad as ConvFilterGradExport;
    this.convScratchRaw = instance.exports.convScratch as ConvScratchExport;
    this.maxPoolRaw = instance.exports.maxPool as MaxPoolExport;
    this.scatterAddRaw = instance.exports.scatterAdd as (dx: number, arg: number, dy: number, n: number) => void;
    this.reluGradRaw = instance.exports.reluGrad as (dy: number, y: number, n: number) => void;
    this.columnSumsRaw = instance.exports.columnSums as (src: number, rows: number, width: number, dst: number) => void;
    this.convInputGradRaw = instance.exports.convInputGrad as (dy: number, w: number, dx: number, F: number, scratch: number, ...window: WindowArgs) => void;
    this.convInputGradScratchRaw = instance.exports.convInputGradScratch as (F: number, patch: number) => number;
    this.products = { gemm: this.gemmRaw, gemmPacked: this.gemmPackedRaw, convForward: this.convForwardRaw as ProductExports["convForward"], convInputGrad: this.convInputGradRaw as ProductExports["convInputGrad"] };
  }

  /** Arrays for models: in the memory when it is shared (no copies), else ordinary ones. */
  f32(n: number): Float32Array {
    return this.arena.shared ? this.arena.f32(n) : new Float32Array(n);
  }

  i32(n: number): Int32Array {
    return this.arena.shared ? this.arena.i32(n) : new Int32Array(n);
  }

  /** The helper thread splitting large products, or null (runtime/threads-node.ts sets it). */
  get secondCore(): SecondCore | null {
    return this.second;
  }

  setSecondCore(core: SecondCore | null): void {
    this.second = core;
  }

  /** The helper thread's packing space (its own: both halves pack B at once), reused across calls. */
  helperScratch(bytes: number): number {
    if (bytes > this.helperScratchBytes) {
      if (this.helperScratchBytes) this.arena.release(this.helperScratchAt, this.helperScratchBytes);
      this.helperScratchBytes = Math.max(bytes, this.helperScratchBytes * 2, 1 << 16);
      this.helperScratchAt = this.arena.alloc(this.helperScratchBytes);
    }
    return this.helperScratchAt;
  }

  /** A scratch block of at least `bytes`, reused across calls. */
  private scratch(bytes: number): number {
    if (bytes > this.scratchBytes) {
      if (this.scratchBytes) this.arena.release(this.scratchAt, this.scratchBytes);
      this.scratchBytes = Math.max(bytes, this.scratchBytes * 2, 1 << 16);
      this.scratchAt = this.arena.alloc(this.scratchBytes);
    }
    return this.scratchAt;
  }

  /**
   * C (=|+=) A·B on arbitrary strides (in elements). Each operand is an
   * array, the element where it starts, and the span of elements it covers;
   * operands outside the memory are copied into scratch (C in and out).
   */
  private run(
    m: number, n: number, k: number,
    a: Float32Array, aOff: number, aSpan: number, rsA: number, csA: number,
    b: Float32Array, bOff: number, bSpan: number, rsB: number, csB: number,
    c: Float32Array, cOff: number, cSpan: number, ldc: number,
    bias: Float32Array | null, relu: boolean, accumulate: boolean,
  ): void {
    if (m === 0 || n === 0) return;
    const arena = this.arena;
    let aAt = arena.addressOf(a), bAt = arena.addressOf(b), cAt = arena.addressOf(c);
    let biasAt = bias ? arena.addressOf(bias) : 0;
    // Scratch layout: the packed B panel (k rows of 8, and a staging row), then copies of foreign operands.
    let need = (k * 8 + 8) * 4;
    const pack = need;
    const slot = (foreign: boolean, span: number) => {
      if (!foreign) return -1;
      const at = need;
      need += Math.ceil(span / 4) * 16;
      return at;
    };
    const aSlot = slot(aAt < 0, aSpan), bSlot = slot(bAt < 0, bSpan), cSlot = slot(cAt < 0, cSpan), biasSlot = slot(biasAt < 0, n);
    const base = this.scratch(need);
    if (need > pack) {
      // Checked after scratch(): growing the memory changes its buffer (and detaches a plain one's views).
      if (this.heap.buffer !== arena.buffer) this.heap = new Float32Array(arena.buffer);
      const heap = this.heap;
      if (aSlot >= 0) heap.set(a.subarray(aOff, aOff + aSpan), (base + aSlot) / 4), (aAt = base + aSlot - aOff * 4);
      if (bSlot >= 0) heap.set(b.subarray(bOff, bOff + bSpan), (base + bSlot) / 4), (bAt = base + bSlot - bOff * 4);
      // C goes in even when overwritten: a strided C's span has elements between its rows that must come back unchanged.
      if (cSlot >= 0) heap.set(c.subarray(cOff, cOff + cSpan), (base + cSlot) / 4), (cAt = base + cSlot - cOff * 4);
      if (biasSlot >= 0) heap.set(bias!.subarray(0, n), (base + biasSlot) / 4), (biasAt = base + biasSlot);
    }
    // Only with a helper thread: no cut is made (nor garbage left) per product otherwise. The helper packs B's panels into its own scratch.
    const second = this.second, cut = second && productCut(m, k, n);
    if (cut && second!.takes(cut)) second!.run(this.products, Kind.gemm, [m, n, k, aAt + aOff * 4, rsA, csA, bAt + bOff * 4, rsB, csB, cAt + cOff * 4, ldc, biasAt, relu ? 1 : 0, accumulate ? 1 : 0, base], cut, (k * 8 + 8) * 4);
    else this.gemmRaw(m, n, k, aAt + aOff * 4, rsA, csA, bAt + bOff * 4, rsB, csB, cAt + cOff * 4, ldc, biasAt, relu ? 1 : 0, accumulate ? 1 : 0, base);
    if (cSlot >= 0) c.set(this.heap.subarray((base + cSlot) / 4, (base + cSlot) / 4 + cSpan), cOff);
  }

  /**
   * The address of `a` (its first `n` elements), copied into scratch after
   * `reserved` bytes when it lives outside the memory.
   */
  private placed(a: Float32Array, n: number, reserved: number): number {
    const at = this.arena.addressOf(a);
    if (at >= 0) return at;
    const base = this.scratch(reserved + n * 4);
    if (this.heap.buffer !== this.arena.buffer) this.heap = new Float32Array(this.arena.buffer);
    this.heap.set(a.subarray(0, n), (base + reserved) / 4);
    return base + reserved;
  }

  im2col(x: Float32Array, col: Float32Array, ...w: WindowArgs): boolean {
    // Only into a column buffer in the memory: copying a whole buffer out would cost more than the loops save.
    const colAt = this.arena.addressOf(col);
    if (colAt < 0) return false;
    this.im2colRaw(this.placed(x, w[0] * w[1] * w[2] * w[3] * w[4], 0), colAt, ...w);
    return true;
  }

  col2im(dx: Float32Array, col: Float32Array, ...w: WindowArgs): boolean {
    const dxAt = this.arena.addressOf(dx);
    if (dxAt < 0) return false;
    this.col2imRaw(dxAt, this.placed(col, w[0] * w[5] * w[6] * w[7] * w[8] * w[9] * w[10] * w[1], 0), ...w);
    return true;
  }

  /**
   * Addresses for `arrays` (first `lengths[i]` elements each): in place when
   * in the memory, else in scratch after the kernel's own `reserved` bytes
   * (copied in; `copyBack` copies them out afterwards). Returns the scratch base.
   */
  private stage(reserved: number, arrays: (Float32Array | null)[], lengths: number[], at: number[]): number {
    let need = reserved;
    const slots = arrays.map((a, i) => {
      if (!a) return (at[i] = 0), -1;
      const addr = this.arena.addressOf(a);
      if (addr >= 0) return (at[i] = addr), -1;
      const slot = need;
      need += Math.ceil(lengths[i]! / 4) * 16;
      return slot;
    });
    const base = this.scratch(need);
    if (this.heap.buffer !== this.arena.buffer) this.heap = new Float32Array(this.arena.buffer);
    slots.forEach((slot, i) => {
      if (slot < 0) return;
      at[i] = base + slot;
      this.heap.set(arrays[i]!.subarray(0, lengths[i]), at[i]! / 4);
    });
    return base;
  }

  private copyBack(a: Float32Array, at: number, n: number): void {
    if (this.arena.addressOf(a) < 0) a.set(this.heap.subarray(at / 4, at / 4 + n));
  }

  /**
   * Convolution forward without a column buffer: y = windows(x)·w (+ bias)
   * (then act). Only with a shared memory holding w: convFilterGrad decides
   * the same way, so a backward pass never expects a column buffer that
   * this forward did not fill.
   */
  conv(x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array, act: number, F: number, ...win: WindowArgs): boolean {
    if (!this.arena.shared || this.arena.addressOf(w) < 0) return false;
    const [B, C, L0, L1, L2, O0, O1, O2, K0, K1, K2] = win;
    const rows = B * O0 * O1 * O2;
    const at: number[] = [];
    const base = this.stage(this.convScratchRaw(0, ...win), [x, bias, y], [B * L0 * L1 * L2 * C, F, rows * F], at);
    const args = [at[0]!, this.arena.addressOf(w), at[1]!, at[2]!, act === 1 ? 1 : 0, F, base, ...win] as Parameters<ConvForwardExport>;
    const second = this.second, cut = second && batchCut(B, rows * F * K0 * K1 * K2 * C);
    // Each chunk of examples pads its own input into the helper's scratch.
    if (cut && second!.takes(cut)) second!.run(this.products, Kind.conv, args, cut, this.convScratchRaw(0, cut.chunk, ...rest(win)));
    else this.convForwardRaw(...args);
    this.copyBack(y, at[2]!, rows * F);
    if (act >= 2) this.activate(act, y, rows * F); // as in gemm
    return true;
  }

  /** gw = windows(x)ᵀ·dy without a column buffer; decides like conv (see there). */
  convFilterGrad(x: Float32Array, dy: Float32Array, gw: Float32Array, F: number, ...win: WindowArgs): boolean {
    if (!this.arena.shared || this.arena.addressOf(gw) < 0) return false;
    const [B, C, L0, L1, L2, O0, O1, O2] = win;
    const at: number[] = [];
    const base = this.stage(this.convScratchRaw(1, ...win), [x, dy], [B * L0 * L1 * L2 * C, B * O0 * O1 * O2 * F], at);
    this.convFilterGradRaw(at[0]!, at[1]!, this.arena.addressOf(gw), F, base, ...win);
    return true;
  }

  maxPool(x: Float32Array, y: Float32Array, arg: Int32Array | null, ...w: WindowArgs): boolean {
    const arena = this.arena;
    const yAt = arena.addressOf(y);
    const argAt = arg ? arena.addressOf(arg) : 0;
    if (yAt < 0 || argAt < 0) return false;
    const [B, C, L0, L1, L2, O0, O1, O2, K0, K1, K2, S0, S1, S2, , , , P0, P1, P2] = w;
    // Element indices in arg are relative to x's start, so a copied x gives the same ones.
    this.maxPoolRaw(this.placed(x, B * L0 * L1 * L2 * C, 0), yAt, argAt, B, C, L0, L1, L2, O0, O1, O2, K0, K1, K2, S0, S1, S2, P0, P1, P2);
    return true;
  }

  scatterAdd(dx: Float32Array, arg: Int32Array, dy: Float32Array, n: number): boolean {
    const a = this.arena;
    const dxAt = a.addressOf(dx), argAt = a.addressOf(arg), dyAt = a.addressOf(dy);
    if (dxAt < 0 || argAt < 0 || dyAt < 0) return false;
    this.scatterAddRaw(dxAt, argAt, dyAt, n);
    return true;
  }

  reluGrad(dy: Float32Array, y: Float32Array, n: number): boolean {
    const dyAt = this.arena.addressOf(dy), yAt = this.arena.addressOf(y);
    if (dyAt < 0 || yAt < 0) return false;
    this.reluGradRaw(dyAt, yAt, n);
    return true;
  }

  columnSums(src: Float32Array, rows: number, width: number, dst: Float32Array): boolean {
    const srcAt = this.arena.addressOf(src), dstAt = this.arena.addressOf(dst);
    if (srcAt < 0 || dstAt < 0) return false;
    this.columnSumsRaw(srcAt, rows, width, dstAt);
    return true;
  }

  gemm(m: number, k: number, n: number, a: Float32Array, b: Float32Array, c: Float32Array, bias: Float32Array | null, act: number, accumulate: boolean): void {
    const fused = accumulate || act <= 1;
    this.run(m, n, k, a, 0, m * k, k, 1, b, 0, k * n, n, 1, c, 0, m * n, n, accumulate ? null : bias, fused && act === 1, accumulate);
    // tanh and sigmoid are applied after the product (relu is fused into its store).
    if (!fused) this.activate(act, c, m * n);
  }

  /** y = tanh(y) (act 2) or sigmoid(y) (act 3) for the first n elements: vectorised in the memory, else in JavaScript. */
  private activate(act: number, y: Float32Array, n: number): void {
    if (this.mapMath(act === 2 ? 2 : 1, y, y, n)) return;
    if (act === 2) for (let i = 0; i < n; i++) y[i] = Math.tanh(y[i]!);
    else for (let i = 0; i < n; i++) y[i] = 1 / (1 + Math.exp(-y[i]!));
  }

  gemmTransA(m: number, k: number, n: number, a: Float32Array, b: Float32Array, c: Float32Array, accumulate: boolean): void {
    this.run(m, n, k, a, 0, k * m, 1, m, b, 0, k * n, n, 1, c, 0, m * n, n, null, false, accumulate);
  }

  gemmTransB(m: number, k: number, n: number, a: Float32Array, b: Float32Array, c: Float32Array, accumulate: boolean): void {
    this.run(m, n, k, a, 0, m * k, k, 1, b, 0, n * k, 1, k, c, 0, m * n, n, null, false, accumulate);
  }

  gemmStrided(m: number, k: number, n: number, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, c: Float32Array, cOff: number, ldc: number, accumulate: boolean): void {
    this.run(m, n, k, a, aOff, (m - 1) * lda + k, lda, 1, b, bOff, (k - 1) * ldb + n, ldb, 1, c, cOff, (m - 1) * ldc + n, ldc, null, false, accumulate);
  }

  gemmTransAStrided(m: number, k: number, n: number, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, c: Float32Array, cOff: number, ldc: number, accumulate: boolean): void {
    this.run(m, n, k, a, aOff, (k - 1) * lda + m, 1, lda, b, bOff, (k - 1) * ldb + n, ldb, 1, c, cOff, (m - 1) * ldc + n, ldc, null, false, accumulate);
  }

  gemmTransBStrided(m: number, k: number, n: number, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, c: Float32Array, cOff: number, ldc: number, accumulate: boolean): void {
    this.run(m, n, k, a, aOff, (m - 1) * lda + k, lda, 1, b, bOff, (n - 1) * ldb + k, 1, ldb, c, cOff, (m - 1) * ldc + n, ldc, null, false, accumulate);
  }

  packTransB(k: number, n: number, b: Float32Array, bOff: number, ldb: number): PackedB {
    const bAt = this.arena.addressOf(b);
    // Outside the memory there is nothing to pack into place: gemmPackedB falls back to gemmTransBStrided.
    if (bAt < 0 || !this.arena.shared) return new WasmPackedB(k, n, b, bOff, ldb, null);
    let byGeometry = this.packed.get(b);
    if (!byGeometry) this.packed.set(b, (byGeometry = new Map()));
    const key = `${k},${n},${bOff},${ldb}`;
    let p = byGeometry.get(key);
    // One panel of k rows × 8 per column block, as gemm packs them.
    if (!p) byGeometry.set(key, (p = new WasmPackedB(k, n, b, bOff, ldb, this.arena.f32(Math.ceil(n / 8) * 8 * k))));
    this.packAllRaw(k, n, bAt + bOff * 4, 1, ldb, this.arena.addressOf(p.panels!));
    return p;
  }

  gemmPackedB(m: number, a: Float32Array, aOff: number, lda: number, p: PackedB, c: Float32Array, cOff: number, ldc: number, accumulate: boolean): void {
    const panels = p instanceof WasmPackedB ? p.panels : null;
    const aAt = this.arena.addressOf(a), cAt = this.arena.addressOf(c);
    if (!panels || aAt < 0 || cAt < 0) {
      this.gemmTransBStrided(m, p.k, p.n, a, aOff, lda, p.b, p.bOff, p.ldb, c, cOff, ldc, accumulate);
      return;
    }
    if (m === 0 || p.n === 0) return;
    const stage = this.scratch(32);
    const args = [m, p.n, p.k, aAt + aOff * 4, lda, 1, this.arena.addressOf(panels), cAt + cOff * 4, ldc, accumulate ? 1 : 0, stage] as const;
    const second = this.second, cut = second && productCut(m, p.k, p.n);
    if (cut && second!.takes(cut)) second!.run(this.products, Kind.packed, [...args], cut, 32);
    else this.gemmPackedRaw(...args);
  }

  /**
   * dx += the input gradient windowsᵀ(dy·wᵀ), computed a chunk of rows at a
   * time (same bits as gemmTransB then col2im). Where conv would (a shared
   * memory holding w) and dx is in the memory.
   */
  convInputGrad(dy: Float32Array, w: Float32Array, dx: Float32Array, F: number, ...win: WindowArgs): boolean {
    const arena = this.arena;
    const wAt = arena.addressOf(w), dxAt = arena.addressOf(dx);
    if (!arena.shared || wAt < 0 || dxAt < 0) return false;
    const [B, C, , , , O0, O1, O2, K0, K1, K2] = win;
    const at: number[] = [];
    const scratch = this.convInputGradScratchRaw(F, K0 * K1 * K2 * C);
    const base = this.stage(scratch, [dy], [B * O0 * O1 * O2 * F], at);
    const args = [at[0]!, wAt, dxAt, F, base, ...win] as Parameters<typeof this.convInputGradRaw>;
    const second = this.second, cut = second && batchCut(B, B * O0 * O1 * O2 * F * K0 * K1 * K2 * C);
    // Examples' input gradients are disjoint rows of dx, so chunks of examples add into it independently.
    if (cut && second!.takes(cut)) second!.run(this.products, Kind.convInputGrad, args, cut, scratch);
    else this.convInputGradRaw(...args);
    return true;
  }

  // --- Fused element-wise kernels (recurrent.ts, softmax.ts, layernorm.ts, vmath.ts). ---
  // They decline (false) unless every float array is in the memory: copying
  // buffers in and out would cost what the kernels save.

  private fusedRaw?: Record<string, (...args: number[]) => void>;

  /** The fused kernels' exports, looked up once. */
  private get fused(): Record<string, (...args: number[]) => void> {
    if (!this.fusedRaw) {
      const exports = this.instance.exports as Record<string, (...args: number[]) => void>;
      this.fusedRaw = Object.fromEntries(["mapMath", "lstmForwardStep", "lstmBackwardStep", "softmaxRows", "softmaxRowsGrad", "layerNorm", "layerNormGrad", "gelu", "geluGrad", "gruForwardGates", "gruForwardState", "gruBackwardGates", "gruBackwardReset", "rnnForwardStep", "rnnBackwardStep"].map((name) => [name, exports[name]!]));
    }
    return this.fusedRaw;
  }

  /** Addresses of arrays (null → 0), or null when one is outside the memory. */
  private addresses(...arrays: (Float32Array | Int32Array | null)[]): number[] | null {
    const at: number[] = [];
    for (const a of arrays) {
      const addr = a ? this.arena.addressOf(a) : 0;
      if (addr < 0) return null;
      at.push(addr);
    }
    return at;
  }

  /** The address of the first B lengths, copied into scratch when they are a caller's array (0 without lengths). */
  private lengthsAt(lengths: Int32Array | null, B: number): number {
    if (!lengths) return 0;
    const at = this.arena.addressOf(lengths);
    if (at >= 0) return at;
    const base = this.scratch(B * 4);
    new Int32Array(this.arena.buffer, base, B).set(lengths.subarray(0, B));
    return base;
  }

  /**
   * dst = f(src) for the first n elements, f the kernels' vectorised exp
   * (0), sigmoid (1) or tanh (2); both arrays in the memory (tests sweep it
   * against Math's functions).
   */
  mapMath(which: 0 | 1 | 2, src: Float32Array, dst: Float32Array, n: number): boolean {
    const at = this.addresses(src, dst);
    if (!at) return false;
    this.fused.mapMath!(which, at[0]!, at[1]!, n);
    return true;
  }

  lstmForwardStep(B: number, T: number, u: number, s: number, reverse: boolean, lengths: Int32Array | null, gates: Float32Array, rec: Float32Array, hprev: Float32Array, cell: Float32Array, h: Float32Array, c: Float32Array, y: Float32Array | null, yWidth: number, yColumn: number): boolean {
    const at = this.addresses(gates, rec, hprev, cell, h, c, y);
    if (!at) return false;
    this.fused.lstmForwardStep!(B, T, u, s, reverse ? 1 : 0, this.lengthsAt(lengths, B), ...at, yWidth, yColumn);
    return true;
  }

  lstmBackwardStep(B: number, T: number, u: number, s: number, reverse: boolean, lengths: Int32Array | null, gates: Float32Array, cell: Float32Array, dh: Float32Array, dc: Float32Array, dgates: Float32Array, dstep: Float32Array, dy: Float32Array | null, yWidth: number, yColumn: number): boolean {
    const at = this.addresses(gates, cell, dh, dc, dgates, dstep, dy);
    if (!at) return false;
    this.fused.lstmBackwardStep!(B, T, u, s, reverse ? 1 : 0, this.lengthsAt(lengths, B), ...at, yWidth, yColumn);
    return true;
  }

  softmaxRows(p: Float32Array, pOff: number, rows: number, width: number, scale: number, keys: number, causal: boolean): boolean {
    const at = this.addresses(p);
    if (!at) return false;
    this.fused.softmaxRows!(at[0]! + pOff * 4, rows, width, scale, keys, causal ? 1 : 0);
    return true;
  }

  softmaxRowsGrad(dp: Float32Array, dpOff: number, p: Float32Array, pOff: number, rows: number, width: number, scale: number, keys: number, causal: boolean): boolean {
    const at = this.addresses(dp, p);
    if (!at) return false;
    this.fused.softmaxRowsGrad!(at[0]! + dpOff * 4, at[1]! + pOff * 4, rows, width, scale, keys, causal ? 1 : 0);
    return true;
  }

  layerNorm(x: Float32Array, y: Float32Array, gamma: Float32Array, beta: Float32Array, stats: Float32Array | null, rows: number, n: number): boolean {
    const at = this.addresses(x, y, gamma, beta, stats);
    if (!at) return false;
    this.fused.layerNorm!(...at, rows, n);
    return true;
  }

  layerNormGrad(x: Float32Array, stats: Float32Array, dy: Float32Array, gamma: Float32Array, gGamma: Float32Array, gBeta: Float32Array, dx: Float32Array | null, accumulate: boolean, rows: number, n: number): boolean {
    const at = this.addresses(x, stats, dy, gamma, gGamma, gBeta, dx);
    if (!at) return false;
    this.fused.layerNormGrad!(...at, accumulate ? 1 : 0, rows, n);
    return true;
  }

  gruForwardGates(B: number, T: number, u: number, s: number, reverse: boolean, lengths: Int32Array | null, gates: Float32Array, rec: Float32Array, hprev: Float32Array, h: Float32Array, rh: Float32Array, rhStep: Float32Array): boolean {
    const at = this.addresses(gates, rec, hprev, h, rh, rhStep);
    if (!at) return false;
    this.fused.gruForwardGates!(B, T, u, s, reverse ? 1 : 0, this.lengthsAt(lengths, B), ...at);
    return true;
  }

  gruForwardState(B: number, T: number, u: number, s: number, reverse: boolean, lengths: Int32Array | null, gates: Float32Array, rec2: Float32Array, h: Float32Array, y: Float32Array | null, yWidth: number, yColumn: number): boolean {
    const at = this.addresses(gates, rec2, h, y);
    if (!at) return false;
    this.fused.gruForwardState!(B, T, u, s, reverse ? 1 : 0, this.lengthsAt(lengths, B), ...at, yWidth, yColumn);
    return true;
  }

  gruBackwardGates(B: number, T: number, u: number, s: number, reverse: boolean, lengths: Int32Array | null, gates: Float32Array, hprev: Float32Array, dh: Float32Array, dgates: Float32Array, dstep: Float32Array, dy: Float32Array | null, yWidth: number, yColumn: number): boolean {
    const at = this.addresses(gates, hprev, dh, dgates, dstep, dy);
    if (!at) return false;
    this.fused.gruBackwardGates!(B, T, u, s, reverse ? 1 : 0, this.lengthsAt(lengths, B), ...at, yWidth, yColumn);
    return true;
  }

  gruBackwardReset(B: number, T: number, u: number, s: number, reverse: boolean, lengths: Int32Array | null, gates: Float32Array, hprev: Float32Array, dh: Float32Array, carry: Float32Array, dgates: Float32Array, dstep: Float32Array): boolean {
    const at = this.addresses(gates, hprev, dh, carry, dgates, dstep);
    if (!at) return false;
    this.fused.gruBackwardReset!(B, T, u, s, reverse ? 1 : 0, this.lengthsAt(lengths, B), ...at);
    return true;
  }

  rnnForwardStep(B: number, T: number, u: number, s: number, reverse: boolean, lengths: Int32Array | null, relu: boolean, gates: Float32Array, rec: Float32Array, hprev: Float32Array, h: Float32Array, y: Float32Array | null, yWidth: number, yColumn: number): boolean {
    const at = this.addresses(gates, rec, hprev, h, y);
    if (!at) return false;
    this.fused.rnnForwardStep!(B, T, u, s, reverse ? 1 : 0, this.lengthsAt(lengths, B), relu ? 1 : 0, ...at, yWidth, yColumn);
    return true;
  }

  rnnBackwardStep(B: number, T: number, u: number, s: number, reverse: boolean, lengths: Int32Array | null, relu: boolean, gates: Float32Array, dh: Float32Array, dgates: Float32Array, dstep: Float32Array, dy: Float32Array | null, yWidth: number, yColumn: number): boolean {
    const at = this.addresses(gates, dh, dgates, dstep, dy);
    if (!at) return false;
    this.fused.rnnBackwardStep!(B, T, u, s, reverse ? 1 : 0, this.lengthsAt(lengths, B), relu ? 1 : 0, ...at, yWidth, yColumn);
    return true;
  }

  gelu(x: Float32Array, y: Float32Array, n: number): boolean {
    const at = this.addresses(x, y);
    if (!at) return false;
    this.fused.gelu!(at[0]!, at[1]!, n);
    return true;
  }

  geluInputGrad(x: Float32Array, dy: Float32Array, dx: Float32Array, accumulate: boolean, n: number): boolean {
    const at = this.addresses(x, dy, dx);
    if (!at) return false;
    this.fused.geluGrad!(at[0]!, at[1]!, at[2]!, n, accumulate ? 1 : 0);
    return true;
  }
}
