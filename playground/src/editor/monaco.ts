// Monaco without a Vite plugin (the plugins are broken on 0.56+): the full
// editor, whose bundled languages load lazily and whose language services
// start only for their own languages (the playground creates none), and the
// one worker it needs. Everything else imports Monaco from here.
import * as monaco from "monaco-editor/editor/editor.main";
import EditorWorker from "monaco-editor/editor/editor.worker?worker";

(self as unknown as { MonacoEnvironment: { getWorker: () => Worker } }).MonacoEnvironment = { getWorker: () => new EditorWorker() };

export { monaco };
