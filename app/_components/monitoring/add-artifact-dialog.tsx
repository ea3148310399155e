"use client";
// Adding event artifacts to a table, or editing one's parameters: pick SERVER_EVENT or
// CLIENT_EVENT artifacts (from /api/monitoring/artifacts), fill each one's parameter form, and
// for the client table choose the group: every client, or a label group (an existing label or
// a new one). Velociraptor's "Update the client monitoring table" flow. Each artifact is one
// POST (add, or replace its parameters); the server's message is shown when one is refused.
import { useEffect, useMemo, useState } from "react";
import { callApi } from "@/app/_components/api";
import { ParameterFields, hasParameterProblems } from "@/app/_components/parameter-form";
import type { EventArtifact } from "./types";

export type TableKind = "server" | "client";

export interface Editing {
  artifact: string;
  parameters: Record<string, string>;
  label?: string;
}

export function AddArtifactDialog({
  kind,
  editing,
  label: initialLabel,
  onClose,
  onSaved,
}: {
  kind: TableKind;
  /** Edit this entry's parameters (the artifact is fixed). */
  editing?: Editing;
  /** Client table: the label group to add to ("": one still to pick; absent: every client). */
  label?: string;
  onClose(): void;
  onSaved(): void;
}) {
  const [artifacts, setArtifacts] = useState<EventArtifact[]>([]);
  const [labels, setLabels] = useState<string[]>([]);
  const [filter, setFilter] = useState("");
  const [chosen, setChosen] = useState<string[]>(editing ? [editing.artifact] : []);
  const [values, setValues] = useState<Record<string, Record<string, string>>>(editing ? { [editing.artifact]: { ...editing.parameters } } : {});
  const [group, setGroup] = useState(editing?.label ?? initialLabel ?? "");
  const [toLabel, setToLabel] = useState(editing ? !!editing.label : initialLabel !== undefined);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    callApi<{ artifacts: EventArtifact[] }>("GET", `/api/monitoring/artifacts?type=${kind === "server" ? "SERVER_EVENT" : "CLIENT_EVENT"}`).then(
      (r) => setArtifacts(r.artifacts),
      (e) => setError((e as Error).message),
    );
    if (kind === "client")
      callApi<{ labels: Array<{ label: string }> }>("GET", "/api/clients/labels").then(
        (r) => setLabels(r.labels.map((l) => l.label)),
        () => {},
      );
  }, [kind]);

  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return artifacts.filter((a) => !f || a.name.toLowerCase().includes(f) || a.description.toLowerCase().includes(f)).slice(0, 200);
  }, [artifacts, filter]);

  const toggle = (name: string) => setChosen((c) => (c.includes(name) ? c.filter((x) => x !== name) : [...c, name]));

  async function save() {
    setBusy(true);
    setError("");
    try {
      for (const artifact of chosen) {
        const body: Record<string, unknown> = { artifact, parameters: values[artifact] ?? {} };
        if (kind === "client" && toLabel) body.label = group.trim();
        await callApi("POST", `/api/monitoring/${kind}/artifacts`, body);
      }
      onSaved();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const title = editing ? `Parameters of ${editing.artifact}` : kind === "server" ? "Add to the server event table" : "Update the client event table";
  return (
    <div className="dialog-backdrop" role="presentation">
      <div className="dialog panel" role="dialog" aria-modal="true" aria-label={title} data-testid="monitoring-dialog">
        <h2>{title}</h2>
        {kind === "client" ? (
          <fieldset className="params" data-testid="monitoring-group">
            <legend>Which clients</legend>
            <label className="inline">
              <input type="radio" name="group" checked={!toLabel} onChange={() => setToLabel(false)} disabled={!!editing} data-testid="monitoring-group-all" />
              Every client
            </label>
            <label className="inline">
              <input type="radio" name="group" checked={toLabel} onChange={() => setToLabel(true)} disabled={!!editing} data-testid="monitoring-group-label" />
              Clients labelled
              <input
                list="monitoring-labels"
                value={group}
                onChange={(e) => {
                  setGroup(e.target.value);
                  setToLabel(true);
                }}
                placeholder="an existing label or a new one"
                disabled={!!editing}
                aria-label="label group"
                className="group-label"
                autoFocus={initialLabel === ""}
                data-testid="monitoring-label"
              />
            </label>
            <datalist id="monitoring-labels">
              {labels.map((l) => (
                <option key={l} value={l} />
              ))}
            </datalist>
          </fieldset>
        ) : null}
        {editing ? null : (
          <>
            <label>
              Find an artifact
              <input value={filter} onChange={(e) => setFilter(e.target.value)} placeholder={kind === "server" ? "e.g. Server.Monitor" : "e.g. Generic.Client.Stats"} data-testid="monitoring-filter" autoFocus={initialLabel !== ""} />
            </label>
            <ul className="artifact-pick">
              {shown.map((a) => (
                <li key={a.name}>
                  <label className="inline">
                    <input type="checkbox" checked={chosen.includes(a.name)} onChange={() => toggle(a.name)} data-testid={`monitoring-pick-${a.name}`} />
                    <strong>{a.name}</strong>
                    <span className="muted">{a.description.split("\n")[0]}</span>
                  </label>
                </li>
              ))}
              {shown.length ? null : <li className="muted">No {kind === "server" ? "SERVER_EVENT" : "CLIENT_EVENT"} artifact matches.</li>}
            </ul>
          </>
        )}
        {chosen.map((name) => {
          const a = artifacts.find((x) => x.name === name);
          if (!a) return null;
          if (!a.parameters.some((p) => p.type !== "hidden")) return editing ? <p key={name} className="muted">{name} has no parameters.</p> : null;
          return <ParameterFields key={name} artifact={name} parameters={a.parameters} values={values[name] ?? {}} onChange={(v) => setValues((all) => ({ ...all, [name]: v }))} />;
        })}
        {error ? (
          <p className="notice error" role="alert" data-testid="monitoring-error">
            {error}
          </p>
        ) : null}
        <div className="row end">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={busy || !chosen.length || (kind === "client" && toLabel && !group.trim()) || chosen.some((n) => hasParameterProblems(artifacts.find((a) => a.name === n)?.parameters ?? [], values[n]))} onClick={() => void save()} data-testid="monitoring-save">
            {editing ? "Save" : chosen.length > 1 ? `Add ${chosen.length} artifacts` : "Add"}
          </button>
        </div>
      </div>
    </div>
  );
}
