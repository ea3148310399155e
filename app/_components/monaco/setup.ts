"use client";
// The one Monaco set-up for the app (browser only): Monaco is bundled locally (no CDN), its
// editor worker is ours, and @monaco-editor/react is pointed at this instance. Editors that
// need a language import its module (yaml.ts here, vql-language.ts for VQL) after this one.
import { loader } from "@monaco-editor/react";
import * as monaco from "monaco-editor/editor";
import "monaco-editor/features/register.all";

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
    /** The Monaco API, as Monaco's own AMD build exposes it (scripts and e2e tests use it). */
    monaco?: typeof monaco;
  }
}

if (typeof window !== "undefined" && !window.MonacoEnvironment) {
  window.MonacoEnvironment = {
    getWorker: () => new Worker(new URL("./editor.worker.ts", import.meta.url), { type: "module" }),
  };
  loader.config({ monaco });
  window.monaco = monaco;
}

export { monaco };
