// The generated tasks `nnc train --data <name>` knows, by name.
import type { TaskFactory } from "./task.ts";

export const tasks: Record<string, TaskFactory> = {};

export type { TaskData, TaskFactory, ArraySpec } from "./task.ts";
