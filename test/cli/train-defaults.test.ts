// nnc train's defaults that depend on the machine.
import { expect, it } from "vitest";
import { defaultThreads } from "../../cli/train-defaults.ts";

it("--threads auto uses a second kernel thread from 4 cores up, not on 1–3 (where it would compete with other work)", () => {
  expect([1, 2, 3, 4, 8, 64].map(defaultThreads)).toEqual([1, 1, 1, 2, 2, 2]);
});
