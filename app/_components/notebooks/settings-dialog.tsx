"use client";
// Notebook settings: name, description, sharing (creator only: collaborators by user name,
// public within the organisation), parameters with their values, environment variables, and
// the cell timeout and row cap, with the viewer's role limits beside them.
import { useState, type FormEvent } from "react";
import type { NotebookParameter, NotebookView } from "@/engine";
import { callApi } from "../api";

const TYPES = ["string", "int", "bool", "timestamp", "choices", "json"];

export function NotebookSettingsDialog({ notebook, onClose, onSaved }: { notebook: NotebookView; onClose(): void; onSaved(n: NotebookView): void }) {
  const [name, setName] = useState(notebook.name);
  const [description, setDescription] = useState(notebook.description);
  const [collaborators, setCollaborators] = useState(notebook.collaborators.join(", "));
  const [isPublic, setIsPublic] = useState(notebook.isPublic);
  const [params, setParams] = useState<NotebookParameter[]>(notebook.parameters);
  const [env, setEnv] = useState(notebook.env);
  const [timeout, setTimeoutSecs] = useState(notebook.settings.timeoutSeconds ? String(notebook.settings.timeoutSeconds) : "");
  const [maxRows, setMaxRows] = useState(notebook.settings.maxRows ? String(notebook.settings.maxRows) : "");
  const [error, setError] = useState<string | null>(null);
  const edit = notebook.access.canEdit;
  const owner = notebook.access.isOwner;
  const limits = notebook.limits;

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const body: Record<string, unknown> = {
      name,
      description,
      parameters: params,
      env: env.filter((x) => x.key.trim()),
      settings: { timeoutSeconds: timeout ? Number(timeout) : undefined, maxRows: maxRows ? Number(maxRows) : undefined },
    };
    if (owner) {
      body.collaborators = collaborators.split(/[\s,]+/).filter(Boolean);
      body.isPublic = isPublic;
    }
    try {
      const res = await callApi<{ notebook: NotebookView }>("PATCH", `/api/notebooks/${encodeURIComponent(notebook.id)}`, body);
      onSaved(res.notebook);
      onClose();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  const setParam = (i: number, patch: Partial<NotebookParameter>) => setParams((ps) => ps.map((p, j) => (j === i ? { ...p, ...patch } : p)));

  return (
    <div className="modal-backdrop" onClick={onClose}>
      <form className="modal panel" role="dialog" aria-label="Notebook settings" onSubmit={onSubmit} onClick={(e) => e.stopPropagation()}>
        <h2>Notebook settings</h2>
        {error ? (
          <p className="notice error" role="alert">
            {error}
          </p>
        ) : null}
        <fieldset disabled={!edit}>
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} required />
          </label>
          <label>
            Description
            <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={2} />
          </label>
          <h3>Sharing</h3>
          <label>
            Collaborators (user names, comma separated)
            <input value={collaborators} onChange={(e) => setCollaborators(e.target.value)} disabled={!owner} data-testid="collaborators" />
          </label>
          <label className="check">
            <input type="checkbox" checked={isPublic} onChange={(e) => setIsPublic(e.target.checked)} disabled={!owner} /> Public: everyone in the organisation may read it
          </label>
          {!owner ? <p className="muted">Only the creator ({notebook.creator}) changes who it is shared with.</p> : null}
          <h3>Parameters</h3>
          <p className="muted">Every cell sees these as variables (the value, or the default).</p>
          <table className="data params">
            <thead>
              <tr>
                <th>Name</th>
                <th>Type</th>
                <th>Default</th>
                <th>Value</th>
                <th>Description</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {params.map((p, i) => (
                <tr key={i}>
                  <td>
                    <input value={p.name} onChange={(e) => setParam(i, { name: e.target.value })} aria-label="Parameter name" />
                  </td>
                  <td>
                    <select value={p.type} onChange={(e) => setParam(i, { type: e.target.value })} aria-label="Parameter type">
                      {TYPES.map((t) => (
                        <option key={t}>{t}</option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <input value={p.default} onChange={(e) => setParam(i, { default: e.target.value })} aria-label="Default" />
                  </td>
                  <td>
                    <input value={p.value ?? ""} placeholder={p.default} onChange={(e) => setParam(i, { value: e.target.value || undefined })} aria-label="Value" />
                  </td>
                  <td>
                    <input value={p.description} onChange={(e) => setParam(i, { description: e.target.value })} aria-label="Description" />
                  </td>
                  <td>
                    <button type="button" onClick={() => setParams((ps) => ps.filter((_, j) => j !== i))} aria-label="Remove parameter">
                      ✕
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" onClick={() => setParams((ps) => [...ps, { name: "", type: "string", default: "", description: "" }])}>
            Add parameter
          </button>
          <h3>Environment</h3>
          {env.map((x, i) => (
            <div className="row" key={i}>
              <input value={x.key} placeholder="Name" onChange={(e) => setEnv((v) => v.map((y, j) => (j === i ? { ...y, key: e.target.value } : y)))} aria-label="Variable name" />
              <input value={x.value} placeholder="Value" onChange={(e) => setEnv((v) => v.map((y, j) => (j === i ? { ...y, value: e.target.value } : y)))} aria-label="Variable value" />
              <button type="button" onClick={() => setEnv((v) => v.filter((_, j) => j !== i))} aria-label="Remove variable">
                ✕
              </button>
            </div>
          ))}
          <button type="button" onClick={() => setEnv((v) => [...v, { key: "", value: "" }])}>
            Add variable
          </button>
          <h3>Limits</h3>
          <p className="muted" data-testid="role-limits-note">
            Your role ({limits.role}) allows a timeout of at most {limits.maxTimeoutSeconds.toLocaleString("en-US")} s, at most {limits.maxRows.toLocaleString("en-US")} rows per table and{" "}
            {limits.maxConcurrent} {limits.maxConcurrent === 1 ? "run" : "runs"} at once (cells and API queries together; more wait in your own queue). Higher values are
            refused here; a run by someone whose role allows less is lowered to their maximum, with a note in the cell&apos;s log.
          </p>
          <div className="row">
            <label>
              Cell timeout (seconds; default {Math.min(600, limits.maxTimeoutSeconds)})
              <input type="number" min={1} max={limits.maxTimeoutSeconds} value={timeout} onChange={(e) => setTimeoutSecs(e.target.value)} data-testid="cell-timeout" />
            </label>
            <label>
              Row cap per table (default {Math.min(1_000_000, limits.maxRows).toLocaleString("en-US")})
              <input type="number" min={1} max={limits.maxRows} value={maxRows} onChange={(e) => setMaxRows(e.target.value)} data-testid="row-cap" />
            </label>
          </div>
        </fieldset>
        <div className="row modal-actions">
          {edit ? (
            <button className="primary" type="submit" data-testid="save-settings">
              Save
            </button>
          ) : null}
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </form>
    </div>
  );
}
