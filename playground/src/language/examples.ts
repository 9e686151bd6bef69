// The example models, bundled from ../../../examples by Vite (an import
// map from file name to text), with the Iris MLP that trains on a file the
// user drops (examples/iris/iris.csv). Imports between them resolve by file name.
const modules = import.meta.glob(["../../../examples/*.nn", "../../../examples/iris/*.nn"], { query: "?raw", import: "default", eager: true }) as Record<string, string>;

export const examples: Record<string, string> = Object.fromEntries(Object.entries(modules).map(([path, text]) => [path.slice(path.lastIndexOf("/") + 1), text]));

/** The name the edited text is checked under (beside the examples, so `import "./x.nn"` finds them). */
export const EDITED_FILE = "playground.nn";
