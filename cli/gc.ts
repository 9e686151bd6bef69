// Reading a large file anew every epoch makes garbage (decoded text, parsed
// rows, records) far faster than it keeps anything, and V8 lets the heap
// grow a long way before collecting it all: a 1 GiB CSV took the process
// past 450 MB. A full collection every few MiB read keeps the peak near
// what is live, for a few percent of the time. `gc` is V8's own, reached
// without a command-line flag (--expose-gc set at run time, then read from
// a fresh context).
import v8 from "node:v8";
import vm from "node:vm";

let collect: (() => void) | undefined;

function gc(): void {
  if (!collect) {
    v8.setFlagsFromString("--expose-gc");
    collect = vm.runInNewContext("gc") as () => void;
  }
  collect();
}

/** An onBytes callback that collects garbage every `every` bytes read (and passes the count on to `then`). */
export function collectingEvery(every: number, then?: (bytes: number) => void): (bytes: number) => void {
  let last = 0;
  return (bytes) => {
    if (bytes < last) last = 0; // a new pass
    if (bytes - last >= every) {
      gc();
      last = bytes;
    }
    then?.(bytes);
  };
}
