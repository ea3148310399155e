"use client";
// A hunt condition's VQL editor (loaded in the browser only, through next/dynamic): the app's
// Monaco with the VQL language (highlighting, completion, parse errors and lint markers), its
// context saying which names the condition may use (`rows` and the client facts as columns),
// growing with its content. Controlled: `value` in, `onChange` out.
import { useEffect, useRef, useState } from "react";
import { monaco } from "../monaco/setup";
import { registerVql, setVqlModelContext, VQL_LANGUAGE } from "../monaco/vql-language";

export interface VqlFieldProps {
  value: string;
  onChange(value: string): void;
  placeholder?: string;
  /** Names the query may use without defining them (e.g. `rows`). */
  knownNames?: string[];
  /** Column names offered in completion. */
  columns?: string[];
  testId: string;
  label: string;
}

export default function VqlField({ value, onChange, placeholder, knownNames = [], columns = [], testId, label }: VqlFieldProps) {
  const el = useRef<HTMLDivElement>(null);
  const editorRef = useRef<import("monaco-editor").editor.IStandaloneCodeEditor | null>(null);
  const changeRef = useRef(onChange);
  changeRef.current = onChange;
  const [height, setHeight] = useState(60);
  const contextKey = `${knownNames.join(",")}|${columns.join(",")}`;

  useEffect(() => {
    registerVql();
    const model = monaco.editor.createModel(value, VQL_LANGUAGE);
    const editor = monaco.editor.create(el.current!, {
      model,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      automaticLayout: true,
      fontSize: 13,
      lineNumbers: "off",
      wordWrap: "on",
      fixedOverflowWidgets: true,
      scrollbar: { alwaysConsumeMouseWheel: false, vertical: "auto" },
      renderLineHighlight: "none",
      overviewRulerLanes: 0,
      tabSize: 2,
      placeholder,
      ariaLabel: label,
    });
    editorRef.current = editor;
    const grow = () => setHeight(Math.min(Math.max(editor.getContentHeight(), 44), 320));
    editor.onDidContentSizeChange(grow);
    grow();
    editor.onDidChangeModelContent(() => changeRef.current(editor.getValue()));
    return () => {
      editor.dispose();
      model.dispose();
      editorRef.current = null;
    };
    // Created once; `value` changes made elsewhere are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const editor = editorRef.current;
    if (editor && editor.getValue() !== value) editor.setValue(value);
  }, [value]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (model) setVqlModelContext(model, { knownNames: contextKey.split("|")[0]!.split(",").filter(Boolean), columns: contextKey.split("|")[1]!.split(",").filter(Boolean) });
  }, [contextKey]);

  return (
    <div className="vql-field" data-testid={testId}>
      <div ref={el} style={{ height }} />
    </div>
  );
}
