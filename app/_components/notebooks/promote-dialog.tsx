"use client";
// "Save as artifact": a dialog that turns a VQL cell into an artifact (name, type, description,
// parameters from the notebook's, source name), shows the YAML with validation, and saves it
// through the artifact repository. The artifact's `reference` links back to the cell. Event
// artifacts can be backtested and added to an event table from here (promote-events.tsx).
import dynamic from "next/dynamic";
import { useCallback, useMemo, useState } from "react";
import { PERMISSIONS, type CellView, type NotebookView } from "@/engine";
import { lineCol } from "@/engine/vql/parser";
import type { Diagnostic, LoadOptions } from "@/engine/artifacts";
import { ARTIFACT_TYPES, artifactYaml, suggestArtifactName, type ArtifactType } from "@/engine/notebooks/artifact-yaml";
import { callApi } from "../api";
import { PromoteEvents } from "./promote-events";

// The artifact repository's own YAML editor: engine/artifacts checks it as it changes.
const YamlEditor = dynamic(() => import("../artifacts/yaml-editor"), { ssr: false, loading: () => <div className="promote-yaml">Loading editor…</div> });
// Any valid name saves (a built-in's is refused by the server, which names the `Custom.` override).
const LOAD_OPTIONS: LoadOptions = { knownPermissions: PERMISSIONS };

export function PromoteDialog({ notebook, cell, query, onClose }: { notebook: NotebookView; cell: CellView; query: string; onClose(): void }) {
  const [name, setName] = useState(suggestArtifactName(notebook.name));
  const [type, setType] = useState<ArtifactType>("SERVER_EVENT");
  const [description, setDescription] = useState(notebook.description);
  const [sourceName, setSourceName] = useState("");
  const [included, setIncluded] = useState<Set<string>>(new Set(notebook.parameters.map((p) => p.name)));
  const [edited, setEdited] = useState<string | null>(null);
  const [problems, setProblems] = useState<Diagnostic[]>([]);
  const [result, setResult] = useState<{ ok: boolean; text: string; name?: string } | null>(null);
  const [saving, setSaving] = useState(false);

  const generated = useMemo(
    () =>
      artifactYaml({
        name,
        type,
        description,
        sourceName,
        query,
        parameters: notebook.parameters.filter((p) => included.has(p.name)).map((p) => ({ name: p.name, type: p.type, description: p.description, default: p.value ?? p.default, choices: p.choices })),
        reference: `/notebooks/${notebook.id}?cell=${cell.id}`,
      }),
    [name, type, description, sourceName, query, included, notebook, cell.id],
  );
  const yaml = edited ?? generated;
  const errors = problems.filter((p) => p.severity === "error");
  const onProblems = useCallback((p: Diagnostic[]) => setProblems(p), []);
  const where = (d: Diagnostic) => {
    const p = lineCol(yaml, d.span.start);
    return `${p.line}:${p.col}`;
  };

  async function save() {
    setSaving(true);
    setResult(null);
    try {
      const res = await callApi<{ name: string }>("POST", `/api/notebooks/${encodeURIComponent(notebook.id)}/cells/${encodeURIComponent(cell.id)}/artifact`, { yaml });
      setResult({ ok: true, text: `Saved ${res.name}`, name: res.name });
    } catch (err) {
      setResult({ ok: false, text: (err as Error).message });
    } finally {
      setSaving(false);
    }
  }

  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div className="modal panel wide" role="dialog" aria-label="Save as artifact" onClick={(e) => e.stopPropagation()}>
        <h2>Save as artifact</h2>
        <div className="promote-grid">
          <div className="promote-form">
            <label>
              Name
              <input value={name} onChange={(e) => (setEdited(null), setName(e.target.value))} data-testid="artifact-name" />
            </label>
            <label>
              Type
              <select value={type} onChange={(e) => (setEdited(null), setType(e.target.value as ArtifactType))} data-testid="artifact-type">
                {ARTIFACT_TYPES.map((t) => (
                  <option key={t}>{t}</option>
                ))}
              </select>
            </label>
            <label>
              Description
              <textarea rows={3} value={description} onChange={(e) => (setEdited(null), setDescription(e.target.value))} />
            </label>
            <label>
              Source name (optional)
              <input value={sourceName} onChange={(e) => (setEdited(null), setSourceName(e.target.value))} />
            </label>
            {notebook.parameters.length ? (
              <fieldset>
                <legend>Parameters from the notebook</legend>
                {notebook.parameters.map((p) => (
                  <label key={p.name} className="check">
                    <input
                      type="checkbox"
                      checked={included.has(p.name)}
                      onChange={(e) => {
                        setEdited(null);
                        setIncluded((s) => {
                          const n = new Set(s);
                          if (e.target.checked) n.add(p.name);
                          else n.delete(p.name);
                          return n;
                        });
                      }}
                    />{" "}
                    {p.name} <span className="muted">({p.type}, default {JSON.stringify(p.value ?? p.default)})</span>
                  </label>
                ))}
              </fieldset>
            ) : (
              <p className="muted">The notebook has no parameters; add some in its settings to make them artifact parameters.</p>
            )}
            {edited !== null ? (
              <button type="button" onClick={() => setEdited(null)}>
                Regenerate YAML from the form
              </button>
            ) : null}
          </div>
          <div>
            <div data-testid="promote-yaml">
              <YamlEditor value={yaml} onChange={(v) => v !== yaml && setEdited(v)} onDiagnostics={onProblems} loadOptions={LOAD_OPTIONS} height="340px" />
            </div>
            <p className={errors.length ? "error" : "muted"} data-testid="artifact-problems">
              {errors.length ? `${errors.length} problem${errors.length === 1 ? "" : "s"}: ${where(errors[0]!)} ${errors[0]!.message}` : "The YAML is valid."}
            </p>
          </div>
        </div>
        <PromoteEvents type={type} yaml={yaml} saved={result?.ok ? result.name : undefined} />
        {result ? (
          <p className={result.ok ? "notice" : "notice error"} role={result.ok ? "status" : "alert"} data-testid="artifact-result">
            {result.text}
            {result.ok && result.name ? (
              <>
                {" "}
                — <a href={`/artifacts/${encodeURIComponent(result.name)}`}>open it on the Artifacts page</a>
              </>
            ) : null}
          </p>
        ) : null}
        <div className="row modal-actions">
          <button type="button" className="primary" onClick={save} disabled={saving || errors.length > 0} data-testid="save-artifact">
            Save artifact
          </button>
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
