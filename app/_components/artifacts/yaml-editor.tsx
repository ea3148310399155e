"use client";
// The Monaco editor for artifact YAML: every change is loaded with engine/artifacts (pure, in
// the browser) and each diagnostic becomes a marker at its line:col, VQL inside `query:` blocks
// included. The parent gets the diagnostics to decide whether Save is allowed.
import Editor, { type OnMount } from "@monaco-editor/react";
import { useCallback, useEffect, useRef } from "react";
import { editorRange, loadArtifact, type Diagnostic, type LoadOptions } from "@/engine/artifacts";
import { monaco, YAML_LANGUAGE } from "../monaco/yaml";

const OWNER = "talon-artifact";

export interface YamlEditorProps {
  value: string;
  onChange(value: string): void;
  onDiagnostics(diagnostics: Diagnostic[]): void;
  loadOptions: LoadOptions;
  height?: string;
}

function severityOf(d: Diagnostic) {
  return d.severity === "error" ? monaco.MarkerSeverity.Error : d.severity === "warning" ? monaco.MarkerSeverity.Warning : monaco.MarkerSeverity.Info;
}

export default function YamlEditor({ value, onChange, onDiagnostics, loadOptions, height = "60vh" }: YamlEditorProps) {
  const editorRef = useRef<Parameters<OnMount>[0] | null>(null);
  const optionsRef = useRef(loadOptions);
  optionsRef.current = loadOptions;

  const validate = useCallback(
    (text: string) => {
      const model = editorRef.current?.getModel();
      const { diagnostics } = loadArtifact(text, optionsRef.current);
      if (model) {
        monaco.editor.setModelMarkers(
          model,
          OWNER,
          diagnostics.map((d) => {
            const r = editorRange(text, d);
            return {
              severity: severityOf(d),
              message: d.hint ? `${d.message}\n${d.hint}` : d.message,
              code: d.code,
              startLineNumber: r.startLine + 1,
              startColumn: r.startCharacter + 1,
              endLineNumber: r.endLine + 1,
              endColumn: r.endCharacter + 1,
            };
          }),
        );
      }
      onDiagnostics(diagnostics);
    },
    [onDiagnostics],
  );

  useEffect(() => {
    const handle = setTimeout(() => validate(value), 150);
    return () => clearTimeout(handle);
  }, [value, validate]);

  return (
    <div className="art-editor" data-testid="artifact-editor">
      <Editor
        height={height}
        language={YAML_LANGUAGE}
        value={value}
        onChange={(v) => onChange(v ?? "")}
        onMount={(editor) => {
          editorRef.current = editor;
          validate(editor.getValue());
        }}
        options={{ minimap: { enabled: false }, fontSize: 13, tabSize: 2, insertSpaces: true, scrollBeyondLastLine: false, automaticLayout: true, renderWhitespace: "boundary" }}
      />
    </div>
  );
}
