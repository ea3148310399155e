"use client";
// The Collect dialog: pick one or more CLIENT artifacts, fill their parameters, set the
// per-source time and row limits, and start the collection on this client.
import { useEffect, useMemo, useState } from "react";
import { callApi } from "../api";
import { ParameterFields, hasParameterProblems } from "../parameter-form";
import type { CollectableArtifact, FlowRow } from "./types";

/** What a copied collection starts the dialog with ("Copy collection"). */
export interface CollectInitial {
  artifacts: string[];
  parameters: Record<string, Record<string, string>>;
  timeoutSec?: number;
  maxRows?: number;
}

export function CollectDialog({ clientId, onClose, onStarted, initial }: { clientId: string; onClose(): void; onStarted(flow: FlowRow): void; initial?: CollectInitial }) {
  const [artifacts, setArtifacts] = useState<CollectableArtifact[]>([]);
  // A copied single-artifact collection opens with its artifact in view.
  const [filter, setFilter] = useState(initial?.artifacts.length === 1 ? initial.artifacts[0]! : "");
  const [chosen, setChosen] = useState<string[]>(initial?.artifacts ?? []);
  const [values, setValues] = useState<Record<string, Record<string, string>>>(initial?.parameters ?? {});
  const [timeoutSec, setTimeoutSec] = useState(initial?.timeoutSec ?? 600);
  const [maxRows, setMaxRows] = useState(initial?.maxRows ?? 1_000_000);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    callApi<{ artifacts: CollectableArtifact[] }>("GET", "/api/flows/artifacts").then(
      (r) => setArtifacts(r.artifacts),
      (e) => setError((e as Error).message),
    );
  }, []);

  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return artifacts.filter((a) => !f || a.name.toLowerCase().includes(f) || a.description.toLowerCase().includes(f)).slice(0, 200);
  }, [artifacts, filter]);

  function toggle(name: string) {
    setChosen((c) => (c.includes(name) ? c.filter((x) => x !== name) : [...c, name]));
  }

  async function start() {
    setBusy(true);
    setError("");
    try {
      const parameters: Record<string, Record<string, string>> = {};
      for (const name of chosen) parameters[name] = values[name] ?? {};
      const { flow } = await callApi<{ flow: FlowRow }>("POST", `/api/clients/${clientId}/flows`, { artifacts: chosen, parameters, timeoutSec, maxRows });
      onStarted(flow);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="dialog-backdrop" role="presentation">
      <div className="dialog panel" role="dialog" aria-modal="true" aria-label="Collect artifacts" data-testid="collect-dialog">
        <h2>Collect from {clientId}</h2>
        <label>
          Find an artifact
          <input value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="e.g. Pslist" data-testid="collect-filter" autoFocus />
        </label>
        <ul className="artifact-pick">
          {shown.map((a) => (
            <li key={a.name}>
              <label className="inline">
                <input type="checkbox" checked={chosen.includes(a.name)} onChange={() => toggle(a.name)} data-testid={`collect-pick-${a.name}`} />
                <strong>{a.name}</strong>
                <span className="muted">{a.description.split("\n")[0]}</span>
              </label>
            </li>
          ))}
        </ul>
        {chosen.map((name) => {
          const a = artifacts.find((x) => x.name === name);
          if (!a) return null;
          return <ParameterFields key={name} artifact={name} parameters={a.parameters} values={values[name] ?? {}} onChange={(v) => setValues((all) => ({ ...all, [name]: v }))} />;
        })}
        <div className="row">
          <label>
            Time limit per source (s)
            <input type="number" min={1} value={timeoutSec} onChange={(e) => setTimeoutSec(Number(e.target.value))} />
          </label>
          <label>
            Row limit per source
            <input type="number" min={1} value={maxRows} onChange={(e) => setMaxRows(Number(e.target.value))} />
          </label>
        </div>
        {error ? <p className="notice error">{error}</p> : null}
        <div className="row end">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={busy || !chosen.length || chosen.some((n) => hasParameterProblems(artifacts.find((a) => a.name === n)?.parameters ?? [], values[n]))} onClick={() => void start()} data-testid="collect-start">
            Collect
          </button>
        </div>
      </div>
    </div>
  );
}
