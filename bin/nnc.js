#!/usr/bin/env node
// The `nnc` command. The compiler is TypeScript; tsx loads it without a build step.
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");
