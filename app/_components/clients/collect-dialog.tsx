"use client";
// The Collect dialog: pick one or more CLIENT artifacts, fill their parameters, set the
// per-source time and row limits, and start the collection on this client. Limits left empty
// are not sent, so each artifact's own `resources` apply (Velociraptor's launcher), else the
// server's defaults; the placeholders say which values that gives. A saved favorite can fill
// the dialog, and the current choice can be saved as one (collect-favorites.tsx).
import { useEffect, useMemo, useState } from "react";
import { callApi } from "../api";
import { ParameterFields, hasParameterProblems } from "../parameter-form";
import { CollectFavorites } from "./collect-favorites";
import type { CollectableArtifact, FlowRow } from "./types";

/** The server's defaults when neither the request nor the artifact sets a limit (flows/collect.ts). */
const DEFAULT_TIMEOUT_SEC = 600;
const DEFAULT_MAX_ROWS = 1_000_000;

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
  const [timeoutSec, setTimeoutSec] = useState(initial?.timeoutSec ? String(initial.timeoutSec) : "");
  const [maxRows, setMaxRows] = useState(initial?.maxRows ? String(initial.maxRows) : "");
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

  const picked = chosen.map((n) => artifacts.find((a) => a.name === n)).filter((a): a is CollectableArtifact => Boolean(a));
  const own = (k: "timeout" | "maxRows") => [...new Set(picked.map((a) => a.resources?.[k]).filter((v): v is number => Boolean(v)))];
  const limitHint = (k: "timeout" | "maxRows", fallback: number) => {
    const v = own(k);
    if (!v.length) return String(fallback);
    if (k === "maxRows") return String(Math.max(...v)); // a collection-wide limit: the largest of the artifacts'
    return picked.every((a) => a.resources?.timeout) && v.length === 1 ? String(v[0]) : `each artifact's own (${v.join(", ")}), else ${fallback}`;
  };
  const badLimit = (v: string) => v.trim() !== "" && !(Number(v) > 0);

  function toggle(name: string) {
    setChosen((c) => (c.includes(name) ? c.filter((x) => x !== name) : [...c, name]));
  }

  async function start() {
    setBusy(true);
    setError("");
    try {
      const parameters: Record<string, Record<string, string>> = {};
      for (const name of chosen) parameters[name] = values[name] ?? {};
      const limits = { ...(Number(timeoutSec) > 0 ? { timeoutSec: Number(timeoutSec) } : {}), ...(Number(maxRows) > 0 ? { maxRows: Math.trunc(Number(maxRows)) } : {}) };
      const { flow } = await callApi<{ flow: FlowRow }>("POST", `/api/clients/${clientId}/flows`, { artifacts: chosen, parameters, ...limits });
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
        <CollectFavorites
          current={{ artifacts: chosen, parameters: values }}
          onPick={(c) => {
            setChosen(c.artifacts);
            setValues((all) => ({ ...all, ...c.parameters }));
          }}
        />
        <div className="row">
          <label>
            Time limit per source (s)
            <input type="number" min={1} value={timeoutSec} placeholder={limitHint("timeout", DEFAULT_TIMEOUT_SEC)} onChange={(e) => setTimeoutSec(e.target.value)} aria-invalid={badLimit(timeoutSec) || undefined} data-testid="collect-timeout" />
          </label>
          <label>
            Row limit per source
            <input type="number" min={1} value={maxRows} placeholder={limitHint("maxRows", DEFAULT_MAX_ROWS)} onChange={(e) => setMaxRows(e.target.value)} aria-invalid={badLimit(maxRows) || undefined} data-testid="collect-max-rows" />
          </label>
        </div>
        {error ? <p className="notice error">{error}</p> : null}
        <div className="row end">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={busy || !chosen.length || badLimit(timeoutSec) || badLimit(maxRows) || chosen.some((n) => hasParameterProblems(artifacts.find((a) => a.name === n)?.parameters ?? [], values[n]))} onClick={() => void start()} data-testid="collect-start">
            Collect
          </button>
        </div>
      </div>
    </div>
  );
}
