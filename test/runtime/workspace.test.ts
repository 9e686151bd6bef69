// A call whose workspace cannot be allocated fails up front, with the sizes
// in its message (runtime/workspace.ts), and leaves everything usable: the
// same model and new models still run. Underneath, a failed allocation in the
// WebAssembly arena no longer leaves it poisoned (runtime/wasm/arena.ts).
import { afterEach, describe, expect, it } from "vitest";
import { Arena } from "../../runtime/wasm/arena.ts";
import { MAX_WORKSPACE_BYTES, useKernels, wasmKernels } from "../../runtime/index.ts";
import { compileModel } from "../codegen/harness.ts";

const PAGE = 65536;

describe("the WebAssembly arena", () => {
  const small = () => new Arena(new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true }), true, 16);

  it("refuses an allocation past the memory's maximum with the sizes, and stays usable", () => {
    const arena = small();
    const before = arena.used;
    expect(() => arena.alloc(32 * PAGE)).toThrow(new RangeError("cannot allocate 2 MiB (2,097,152 bytes) in the WebAssembly memory: 0 bytes of its 1 MiB (1,048,576 bytes) are in use"));
    expect(arena.used).toBe(before);
    // What fits still fits, and goes where it would have gone.
    const at = arena.alloc(1000);
    expect(at).toBe(16);
    const a = arena.f32(1000);
    a.fill(2);
    expect(a[999]).toBe(2);
  });

  it("grows to exactly its maximum where the usual step (half again, at least 16 pages) would pass it", () => {
    const arena = small();
    arena.alloc(16 * PAGE - 32);
    expect(arena.buffer.byteLength).toBe(16 * PAGE);
    expect(arena.room).toBe(16);
    expect(() => arena.alloc(32)).toThrow(RangeError);
    expect(arena.room).toBe(16);
    arena.alloc(16);
    expect(arena.room).toBe(0);
  });
});

/** y = x -> dense(units) on [T, 1]: the forward workspace is batch × T × units floats. */
const wide = (units: number) => compileModel(`model Wide {\n  input x: f32[T, 1]\n  output y = x -> dense(${units})\n}\n`);

/** Equal element by element (toEqual is slow on long arrays). */
const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

function run(model: InstanceType<ReturnType<typeof wide>>, batch: number, T: number): Float32Array {
  const x = Float32Array.from({ length: batch * T }, (_, i) => (i % 7) / 7);
  return model.forward({ x }, { batch, T }).y!;
}

describe("a workspace too large for a call", () => {
  let previous: ReturnType<typeof useKernels> | undefined;
  afterEach(() => {
    if (previous) useKernels(previous);
    previous = undefined;
  });

  it("the bound is 4 GiB", () => {
    expect(MAX_WORKSPACE_BYTES).toBe(2 ** 32);
  });

  for (const set of ["wasm", "js"] as const) {
    it(`${set} kernels: 40 GB is refused before anything is allocated; the model and new ones still run`, () => {
      previous = useKernels(set);
      const Wide = wide(10_000);
      const model = new Wide();
      const first = run(model, 1, 3);
      // 100 × 10,000 × 10,000 floats.
      expect(() => run(model, 100, 10_000)).toThrow(
        new RangeError("Wide.forward: batch 100, T = 10000 needs 38,147 MiB (40,000,000,000 bytes) of workspace, more than the 4,096 MiB (4,294,967,296 bytes) a call may use; use a smaller batch"),
      );
      expect(same(run(model, 1, 3), first)).toBe(true);
      expect(same(run(new Wide(), 1, 3), first)).toBe(true);
      expect(run(new (wide(8))(), 2, 5)).toHaveLength(2 * 5 * 8);
    });
  }

  it("wasm kernels: 4 GiB exactly is more than the memory can still take, and says so", () => {
    if (!wasmKernels()?.arena.shared) throw new Error("this test needs the WebAssembly kernels with a shared memory");
    previous = useKernels("wasm");
    const Wide = wide(1024);
    const model = new Wide();
    const first = run(model, 2, 3);
    const room = wasmKernels()!.arena.room;
    expect(() => run(model, 1024, 1024)).toThrow(/^Wide\.forward: batch 1024, T = 1024 needs 4,096 MiB \(4,294,967,296 bytes\) of workspace, more than the [\d,.]+ MiB \([\d,]+ bytes\) the WebAssembly memory can still take \(it holds at most [\d,]+ MiB \([\d,]+ bytes\), parameters and other models' buffers included\); use a smaller batch$/);
    expect(() => run(model, 1024, 1024)).toThrow(`(${room.toLocaleString("en-US")} bytes) the WebAssembly memory can still take`);
    expect(same(run(model, 2, 3), first)).toBe(true);
  });
});
