// The kernels' module importing a shared memory, made from the one importing
// a plain memory. AssemblyScript's shared-memory build of the same source
// differs only in that import's limits (shared, with a maximum), so the
// runtime embeds one build of each kind and rewrites the import here: a
// bundle carries half the WebAssembly. scripts/build-wasm.ts checks that
// this gives asc's shared build byte for byte.

/** `module` with its memory import made `shared` with a maximum of `maxPages` (64 KiB pages). */
export function withSharedMemory(module: Uint8Array, maxPages: number): Uint8Array<ArrayBuffer> {
  let at = 8; // after the magic number and version
  const uleb = () => {
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = module[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  while (at < module.length) {
    const sectionStart = at;
    const id = module[at++];
    const size = uleb();
    const contentStart = at;
    const contentEnd = contentStart + size;
    if (id !== 2) {
      at = contentEnd;
      continue;
    }
    // The import section: a count, then entries of module name, field name, kind and type.
    const count = uleb();
    for (let i = 0; i < count; i++) {
      for (let name = 0; name < 2; name++) {
        const length = uleb();
        at += length;
      }
      const kind = module[at++];
      if (kind === 0) uleb(); // a function: its type index
      else if (kind === 3) at += 2; // a global: value type and mutability
      else if (kind === 1 || kind === 2) {
        if (kind === 1) at++; // a table's element type, then limits like a memory's
        const limitsStart = at;
        const flags = module[at++]!;
        const min = uleb();
        if (flags & 1) uleb(); // the old maximum
        if (kind === 1) continue;
        if (flags > 1) throw new Error(`withSharedMemory: the memory import is already shared or 64-bit (limits flags ${flags})`);
        const content = [...module.subarray(contentStart, limitsStart), 0x03, ...encode(min), ...encode(maxPages), ...module.subarray(at, contentEnd)];
        const out = new Uint8Array(new ArrayBuffer(sectionStart + 1 + encode(content.length).length + content.length + module.length - contentEnd));
        out.set([...module.subarray(0, sectionStart), 2, ...encode(content.length), ...content]);
        out.set(module.subarray(contentEnd), out.length - (module.length - contentEnd));
        return out;
      } else throw new Error(`withSharedMemory: unknown import kind ${kind}`);
    }
    break;
  }
  throw new Error("withSharedMemory: the module imports no memory");
}

/** Unsigned LEB128, as the binary format writes integers. */
function encode(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    bytes.push(byte);
  } while (value > 0);
  return bytes;
}
