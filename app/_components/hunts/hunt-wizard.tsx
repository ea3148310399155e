"use client";
// The new-hunt wizard: artifacts (searched as in the Collect dialog) with their parameter forms;
// description and tags; who gets it (include / exclude labels, OS, client-side and server-side
// conditions in Monaco with the VQL language) with the live estimate; how fast and how much (client rate, client limit, time,
// row and upload limits, expiry) and the safety rails; then "Create paused" (COLLECT_CLIENT) or
// "Create and start" (START_HUNT). The server validates; its message shows above the buttons.
import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { callApi } from "../api";
import type { CollectableArtifact } from "../clients/types";
import { ParameterFields, hasParameterProblems } from "../parameter-form";
import type { HuntRow } from "./types";
import type { VqlFieldProps } from "./vql-field";
import { useEstimate, type Estimate } from "./use-estimate";

const list = (s: string) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
const WEEK = 7 * 24 * 3600_000;
/** What a server-side condition's `rows` hold when there is no client-side condition (docs/hunts.md). */
const FACT_COLUMNS = ["ClientId", "Hostname", "Fqdn", "OS", "Platform", "Release", "Architecture", "Labels", "Info"];
const VqlField = dynamic<VqlFieldProps>(() => import("./vql-field"), { ssr: false, loading: () => <p className="muted small">Loading the editor…</p> });
/** `<input type="datetime-local">` text for a time, in the browser's zone. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

function EstimateLine({ estimate }: { estimate: Estimate }) {
  if (estimate.kind === "ok")
    return (
      <p className="notice" data-testid="hunt-estimate" data-matching={estimate.matching} data-online={estimate.online}>
        {estimate.matching.toLocaleString()} {estimate.matching === 1 ? "client matches" : "clients match"} now, {estimate.online.toLocaleString()} of them online
        {estimate.partial ? " (at least: the server-side condition was not run on every client)" : ""}.
        {estimate.conditionErrors ? ` The server-side condition failed on ${estimate.conditionErrors.toLocaleString()} ${estimate.conditionErrors === 1 ? "client" : "clients"} (they do not match).` : ""}
      </p>
    );
  if (estimate.kind === "unavailable")
    return (
      <p className="muted" data-testid="hunt-estimate" data-unavailable="true">
        Estimate unavailable ({estimate.reason}).
      </p>
    );
  return (
    <p className="muted" data-testid="hunt-estimate">
      Estimating…
    </p>
  );
}

export function HuntWizard({ canStart }: { canStart: boolean }) {
  const router = useRouter();
  const [artifacts, setArtifacts] = useState<CollectableArtifact[]>([]);
  const [filter, setFilter] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const [values, setValues] = useState<Record<string, Record<string, string>>>({});
  const [description, setDescription] = useState("");
  const [tags, setTags] = useState("");
  const [include, setInclude] = useState("");
  const [exclude, setExclude] = useState("");
  const [os, setOs] = useState("ALL");
  const [clientCondition, setClientCondition] = useState("");
  const [serverCondition, setServerCondition] = useState("");
  const [clientRate, setClientRate] = useState(0);
  const [clientLimit, setClientLimit] = useState(0);
  // 0: not sent, so each artifact's own resources apply (else the server's 600 s and 1,000,000 rows).
  const [timeoutSec, setTimeoutSec] = useState(0);
  const [maxRows, setMaxRows] = useState(0);
  const [maxUploadBytes, setMaxUploadBytes] = useState(0);
  const [expires, setExpires] = useState(() => localInput(Date.now() + WEEK));
  const [maxErrorPercent, setMaxErrorPercent] = useState(0);
  const [maxTotalRows, setMaxTotalRows] = useState(0);
  const [maxTotalUploadBytes, setMaxTotalUploadBytes] = useState(0);
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

  const estimate = useEstimate({ includeLabels: list(include), excludeLabels: list(exclude), os, serverCondition, clientLimit });

  const toggle = (name: string) => setChosen((c) => (c.includes(name) ? c.filter((x) => x !== name) : [...c, name]));

  async function create(start: boolean) {
    setBusy(true);
    setError("");
    try {
      const parameters: Record<string, Record<string, string>> = {};
      for (const name of chosen) parameters[name] = values[name] ?? {};
      const expiry = new Date(expires);
      const body = {
        artifacts: chosen,
        parameters,
        description,
        tags: list(tags),
        includeLabels: list(include),
        excludeLabels: list(exclude),
        os,
        ...(serverCondition.trim() ? { serverCondition } : {}),
        ...(clientCondition.trim() ? { clientCondition } : {}),
        clientRate,
        clientLimit,
        ...(timeoutSec > 0 ? { timeoutSec } : {}),
        ...(maxRows > 0 ? { maxRows } : {}),
        ...(maxUploadBytes > 0 ? { maxUploadBytes } : {}),
        ...(Number.isNaN(expiry.getTime()) ? {} : { expires: expiry.toISOString() }),
        // Safety rails (h-huntb's fields): sent only when set.
        ...(maxErrorPercent > 0 ? { maxErrorPercent } : {}),
        ...(maxTotalRows > 0 ? { maxTotalRows } : {}),
        ...(maxTotalUploadBytes > 0 ? { maxTotalUploadBytes } : {}),
        pause: !start,
      };
      const { hunt } = await callApi<{ hunt: HuntRow }>("POST", "/api/hunts", body);
      router.push(`/hunts/${encodeURIComponent(hunt.huntId)}`);
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  }

  const num = (v: number, set: (n: number) => void, testId: string, min = 0) => (
    <input type="number" min={min} value={v} onChange={(e) => set(Math.max(min, Math.floor(Number(e.target.value) || 0)))} data-testid={testId} />
  );

  const paramsInvalid = chosen.some((n) => hasParameterProblems(artifacts.find((a) => a.name === n)?.parameters ?? [], values[n]));
  return (
    <form className="hunt-wizard" data-testid="hunt-wizard" onSubmit={(e) => e.preventDefault()}>
      <fieldset className="panel">
        <legend>1. What to collect</legend>
        <label>
          Find an artifact
          <input value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="e.g. Generic.Client.Info" data-testid="hunt-artifact-filter" autoFocus />
        </label>
        <ul className="artifact-pick">
          {shown.map((a) => (
            <li key={a.name}>
              <label className="inline">
                <input type="checkbox" checked={chosen.includes(a.name)} onChange={() => toggle(a.name)} data-testid={`hunt-pick-${a.name}`} />
                <strong>{a.name}</strong>
                <span className="muted">{a.description.split("\n")[0]}</span>
              </label>
            </li>
          ))}
        </ul>
        {chosen.length ? <p className="small">Chosen: {chosen.join(", ")}</p> : <p className="muted small">No artifact chosen yet.</p>}
        {chosen.map((name) => {
          const a = artifacts.find((x) => x.name === name);
          if (!a) return null;
          return <ParameterFields key={name} artifact={name} parameters={a.parameters} values={values[name] ?? {}} onChange={(v) => setValues((all) => ({ ...all, [name]: v }))} />;
        })}
        <label>
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} data-testid="hunt-description" />
        </label>
        <label>
          Tags (comma-separated)
          <input value={tags} onChange={(e) => setTags(e.target.value)} data-testid="hunt-tags" />
        </label>
      </fieldset>

      <fieldset className="panel">
        <legend>2. Which clients</legend>
        <div className="row">
          <label className="grow">
            Include labels (any of; empty: every client)
            <input value={include} onChange={(e) => setInclude(e.target.value)} placeholder="e.g. Web, PCI" data-testid="hunt-include-labels" />
          </label>
          <label className="grow">
            Exclude labels
            <input value={exclude} onChange={(e) => setExclude(e.target.value)} data-testid="hunt-exclude-labels" />
          </label>
          <label>
            OS
            <select value={os} onChange={(e) => setOs(e.target.value)} data-testid="hunt-os">
              {["ALL", "WINDOWS", "LINUX", "DARWIN"].map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="field">
          <span>
            Server-side condition (VQL over <code>rows</code>: one row of the client&apos;s facts, or the client-side condition&apos;s rows; never sent to the clients)
          </span>
          <VqlField
            value={serverCondition}
            onChange={setServerCondition}
            knownNames={["rows"]}
            columns={FACT_COLUMNS}
            placeholder="SELECT * FROM rows WHERE Fqdn =~ '(?i)^web-' AND 'PCI' IN Labels"
            testId="hunt-server-condition"
            label="Server-side condition"
          />
        </div>
        <div className="field">
          <span>
            Client-side condition (VQL run on each candidate first; its rows become the server-side condition&apos;s <code>rows</code>; needs ANY_QUERY)
          </span>
          <VqlField value={clientCondition} onChange={setClientCondition} placeholder="SELECT OS, Fqdn FROM info()" testId="hunt-client-condition" label="Client-side condition" />
        </div>
        <EstimateLine estimate={estimate} />
        {clientCondition.trim() ? <p className="muted small">The estimate does not run the client-side condition (it runs on the endpoints).</p> : null}
      </fieldset>

      <fieldset className="panel">
        <legend>3. How fast, how much, how long</legend>
        <div className="row">
          <label>
            Client rate (per minute; 0: as fast as possible)
            {num(clientRate, setClientRate, "hunt-client-rate")}
          </label>
          <label>
            Client limit (0: none)
            {num(clientLimit, setClientLimit, "hunt-client-limit")}
          </label>
          <label>
            Time limit per source (s; 0: each artifact's own, else 600)
            {num(timeoutSec, setTimeoutSec, "hunt-timeout")}
          </label>
          <label>
            Row limit per source (0: the artifacts' own, else 1,000,000)
            {num(maxRows, setMaxRows, "hunt-max-rows")}
          </label>
          <label>
            Upload limit per client (bytes; 0: none)
            {num(maxUploadBytes, setMaxUploadBytes, "hunt-max-upload")}
          </label>
          <label>
            Expires
            <input type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} data-testid="hunt-expires" />
          </label>
        </div>
        <p className="small">Safety rails: stop the hunt by itself when (0: off)</p>
        <div className="row">
          <label>
            More than this % of clients error
            {num(maxErrorPercent, setMaxErrorPercent, "hunt-max-error-percent")}
          </label>
          <label>
            Total rows pass
            {num(maxTotalRows, setMaxTotalRows, "hunt-max-total-rows")}
          </label>
          <label>
            Total upload bytes pass
            {num(maxTotalUploadBytes, setMaxTotalUploadBytes, "hunt-max-total-upload")}
          </label>
        </div>
      </fieldset>

      {error ? (
        <p className="notice error" role="alert" data-testid="hunt-create-error">
          {error}
        </p>
      ) : null}
      <div className="row end">
        <button type="button" disabled={busy || !chosen.length || paramsInvalid} onClick={() => void create(false)} data-testid="hunt-create-paused">
          Create paused
        </button>
        {canStart ? (
          <button type="button" className="primary" disabled={busy || !chosen.length || paramsInvalid} onClick={() => void create(true)} data-testid="hunt-create-start">
            Create and start
          </button>
        ) : null}
      </div>
    </form>
  );
}
