"use client";
// The YAML of an artifact being promoted from a cell, in Monaco with the problems found by
// checkArtifactYaml() as markers at their line:col (browser only).
import { useEffect, useRef } from "react";
import { checkArtifactYaml, type ArtifactProblem } from "../../../engine/notebooks/artifact-yaml";
import { monaco, YAML_LANGUAGE } from "../monaco/yaml";

export default function PromoteYamlEditor({ value, onChange, onProblems }: { value: string; onChange(v: string): void; onProblems(p: ArtifactProblem[]): void }) {
  const el = useRef<HTMLDivElement>(null);
  const editorRef = useRef<import("monaco-editor").editor.IStandaloneCodeEditor | null>(null);
  const changeRef = useRef(onChange);
  changeRef.current = onChange;

  useEffect(() => {
    const editor = monaco.editor.create(el.current!, { value, language: YAML_LANGUAGE, minimap: { enabled: false }, automaticLayout: true, fontSize: 13, tabSize: 2, scrollBeyondLastLine: false });
    editorRef.current = editor;
    editor.onDidChangeModelContent(() => changeRef.current(editor.getValue()));
    return () => {
      editor.getModel()?.dispose();
      editor.dispose();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const editor = editorRef.current;
    if (editor && editor.getValue() !== value) editor.setValue(value);
    const problems = checkArtifactYaml(value);
    const model = editor?.getModel();
    if (model)
      monaco.editor.setModelMarkers(
        model,
        "talon-promote",
        problems.map((p) => ({
          severity: p.severity === "error" ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
          message: p.message,
          startLineNumber: p.line,
          startColumn: p.col,
          endLineNumber: p.line,
          endColumn: model.getLineMaxColumn(Math.min(p.line, model.getLineCount())),
        })),
      );
    onProblems(problems);
  }, [value, onProblems]);

  return <div ref={el} className="promote-yaml" data-testid="promote-yaml" style={{ height: 320 }} />;
}
