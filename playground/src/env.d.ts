/// <reference types="vite/client" />

declare module "virtual:mnist-slice" {
  const slice: { train: number; test: number; pixels: string; labels: string };
  export default slice;
}

declare module "monaco-editor/editor/editor.api" {
  export * from "monaco-editor";
}

// Monaco's contributions register themselves on import and export nothing the playground uses.
declare module "monaco-editor/editor/*";
declare module "monaco-editor-codicons/*";

declare module "monaco-editor/editor/editor.worker?worker" {
  const EditorWorker: new () => Worker;
  export default EditorWorker;
}

declare module "monaco-editor/languages/definitions/typescript/typescript" {
  import type { languages } from "monaco-editor";
  export const conf: languages.LanguageConfiguration;
  export const language: languages.IMonarchLanguage;
}
