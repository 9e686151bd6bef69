// A layer's parameter count, for hovers, the graph and the summary.
import type { GraphNode } from "../graph.ts";

export const paramCount = (n: GraphNode) => Object.values(n.params).reduce((a, s) => a + s.reduce((x, y) => x * y, 1), 0);
