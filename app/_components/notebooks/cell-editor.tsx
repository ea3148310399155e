"use client";
// One cell's Monaco editor (loaded in the browser only): VQL or Markdown, bound to the cell's
// shared Y.Text so collaborators' edits and cursors appear live, growing with its content.
// Ctrl/Cmd+Enter runs the cell; Shift+Enter runs it and moves to the next cell.
import { useEffect, useImperativeHandle, useRef, useState, type Ref } from "react";
import { MonacoBinding } from "y-monaco";
import type * as Y from "yjs";
import { monaco } from "../monaco/setup";
import { registerVql, setVqlModelContext, VQL_LANGUAGE, type VqlModelContext } from "../monaco/vql-language";
import type { CollabSession } from "./collab";

export interface CellEditorHandle {
  getValue(): string;
  focus(): void;
  format(): void;
  /** Puts the cursor at a 1-based line:col and shows it. */
  goTo(line: number, col: number): void;
}

export interface CellEditorProps {
  cellId: string;
  language: "vql" | "markdown";
  initial: string;
  collab?: CollabSession;
  readOnly: boolean;
  /** Take the focus when created (or when this turns true). */
  autoFocus?: boolean;
  context: VqlModelContext;
  onRun?(text: string, next: boolean): void;
  onFocus?(): void;
  /** The text after each edit (local or a collaborator's). */
  onChange?(text: string): void;
  handle: Ref<CellEditorHandle>;
}

export default function CellEditor({ cellId, language, initial, collab, readOnly, autoFocus, context, onRun, onFocus, onChange, handle }: CellEditorProps) {
  const el = useRef<HTMLDivElement>(null);
  const editorRef = useRef<import("monaco-editor").editor.IStandaloneCodeEditor | null>(null);
  const runRef = useRef(onRun);
  runRef.current = onRun;
  const focusRef = useRef(onFocus);
  focusRef.current = onFocus;
  const changeRef = useRef(onChange);
  changeRef.current = onChange;
  const [height, setHeight] = useState(Math.max(3, initial.split("\n").length + 1) * 19 + 10);
  const [synced, setSynced] = useState(!collab);

  useImperativeHandle(handle, () => ({
    getValue: () => editorRef.current?.getValue() ?? initial,
    focus: () => editorRef.current?.focus(),
    format: () => void editorRef.current?.getAction("editor.action.formatDocument")?.run(),
    goTo: (line, col) => {
      const e = editorRef.current;
      if (!e) return;
      e.setPosition({ lineNumber: line, column: col });
      e.revealPositionInCenterIfOutsideViewport({ lineNumber: line, column: col });
      e.focus();
    },
  }));

  useEffect(() => {
    registerVql();
    const model = monaco.editor.createModel(initial, language === "vql" ? VQL_LANGUAGE : "markdown");
    const editor = monaco.editor.create(el.current!, {
      model,
      readOnly,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      automaticLayout: true,
      fontSize: 13,
      lineNumbers: "on",
      lineNumbersMinChars: 3,
      wordWrap: language === "markdown" ? "on" : "off",
      fixedOverflowWidgets: true,
      scrollbar: { alwaysConsumeMouseWheel: false, vertical: "auto" },
      renderLineHighlight: "none",
      overviewRulerLanes: 0,
      tabSize: 2,
      placeholder: language === "vql" ? "Type VQL to run on the server; Ctrl+Enter runs" : "Markdown",
    });
    editorRef.current = editor;
    const grow = () => setHeight(Math.min(Math.max(editor.getContentHeight(), 48), 640));
    editor.onDidContentSizeChange(grow);
    grow();
    // Actions, not addCommand: a command's keybinding is shared by every editor on the page and
    // runs the handler of the last one created, so Ctrl+Enter in cell 1 would run cell 3.
    editor.addAction({ id: "talon.runCell", label: "Run cell", keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter], run: () => runRef.current?.(editor.getValue(), false) });
    editor.addAction({
      id: "talon.runCellAndNext",
      label: "Run cell and move to the next",
      keybindings: [monaco.KeyMod.Shift | monaco.KeyCode.Enter],
      // Shift+Enter also accepts a suggestion while the suggest widget is open; leave it that.
      precondition: "!suggestWidgetVisible",
      run: () => runRef.current?.(editor.getValue(), true),
    });
    editor.onDidFocusEditorText(() => focusRef.current?.());
    model.onDidChangeContent(() => changeRef.current?.(model.getValue()));

    let binding: MonacoBinding | undefined;
    const bind = (text: Y.Text | undefined) => {
      if (!text || binding) return;
      binding = new MonacoBinding(text, model, new Set([editor]), collab?.provider.awareness ?? null);
      setSynced(true);
    };
    let stopObserve: (() => void) | undefined;
    if (collab) {
      const observer = () => bind(collab.inputs.get(cellId));
      collab.inputs.observe(observer);
      stopObserve = () => collab.inputs.unobserve(observer);
      bind(collab.inputs.get(cellId));
    }
    return () => {
      stopObserve?.();
      binding?.destroy();
      editor.dispose();
      model.dispose();
      editorRef.current = null;
    };
    // The editor is created once per cell; later prop changes are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cellId, language, collab]);

  useEffect(() => {
    editorRef.current?.updateOptions({ readOnly });
  }, [readOnly]);

  useEffect(() => {
    if (autoFocus) editorRef.current?.focus();
  }, [autoFocus]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (model && language === "vql") setVqlModelContext(model, context);
  }, [context, language]);

  return (
    <div className="cell-editor" data-testid={`editor-${cellId}`} data-synced={synced ? "1" : "0"}>
      <div ref={el} style={{ height }} />
    </div>
  );
}
