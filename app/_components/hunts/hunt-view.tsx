"use client";
// One hunt: its state with Start / Stop (START_HUNT to start, COLLECT_CLIENT to stop), the
// exact count of every queue, updating live (the `hunt:<id>` topic; polled every 5 s without
// it); the clients of the chosen queue, paged, with their errors and "Re-run errored clients";
// every client's rows per source, paged from the server; "Download zip" and "Open hunt notebook".
import { StoredExports } from "../stored-exports";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useState } from "react";
import type { HuntClientState } from "@/engine";
import { callApi } from "../api";
import { bytes } from "../clients/format";
import { HuntClients } from "./hunt-clients";
import { HuntResults } from "./hunt-results";
import { QUEUES, queueCount, shownState, when, type HuntRow } from "./types";
import { useHuntLive } from "./use-hunt-live";

export interface HuntPermissions {
  canStart: boolean;
  canStop: boolean;
  canNotebook: boolean;
}

export function HuntView({ initial, can }: { initial: HuntRow; can: HuntPermissions }) {
  const router = useRouter();
  const id = initial.huntId;
  const base = `/api/hunts/${encodeURIComponent(id)}`;
  const [hunt, setHunt] = useState(initial);
  const [version, setVersion] = useState(0);
  const [queue, setQueue] = useState<HuntClientState>("with_results");
  const [tab, setTab] = useState<"clients" | "results">("clients");
  const [error, setError] = useState("");
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);

  const reload = useCallback(() => {
    callApi<{ hunt: HuntRow }>("GET", `${base}?clients=1`).then(
      (r) => {
        setHunt(r.hunt);
        setVersion((v) => v + 1);
      },
      (e) => setError((e as Error).message),
    );
  }, [base]);
  const live = useHuntLive([`hunt:${id}`], reload);

  async function act(fn: () => Promise<void>) {
    setBusy(true);
    setError("");
    setNote("");
    try {
      await fn();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }
  const setState = (state: "RUNNING" | "STOPPED") =>
    act(async () => {
      const r = await callApi<{ hunt: HuntRow }>("PATCH", base, { state });
      setHunt(r.hunt);
      setVersion((v) => v + 1);
    });
  const rerun = () =>
    act(async () => {
      const res = await fetch(`${base}/rerun`, { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ states: ["error"] }) });
      const data = (await res.json().catch(() => ({}))) as { hunt?: HuntRow; relaunched?: number; message?: string };
      if (res.status === 404 && !data.message?.includes("hunt")) throw new Error("Re-running is not available on this server.");
      if (res.status === 405) throw new Error("Re-running is not available on this server.");
      if (!res.ok) throw new Error(data.message ?? `${res.status}`);
      if (data.hunt) setHunt(data.hunt);
      setVersion((v) => v + 1);
      setNote(`${data.relaunched ?? 0} errored ${data.relaunched === 1 ? "client was" : "clients were"} queued again.`);
    });
  const openNotebook = () =>
    act(async () => {
      const { notebookId } = await callApi<{ notebookId: string }>("POST", `${base}/notebook`);
      router.push(`/notebooks/${encodeURIComponent(notebookId)}`);
    });

  const state = shownState(hunt);
  const done = hunt.state === "STOPPED" || hunt.expired;
  const s = hunt.stats;
  return (
    <section className="hunt" data-testid="hunt-page" data-live={live}>
      <div className="hunt-head">
        <div>
          <p className="small">
            <Link href="/hunts">Hunts</Link> /
          </p>
          <h1 className="mono">{hunt.huntId}</h1>
          <p>{hunt.description || <span className="muted">No description</span>}</p>
        </div>
        <div className="row">
          <span className={`state ${state.toLowerCase()}`} data-testid="hunt-state">
            {state}
          </span>
          {can.canStart && hunt.state !== "RUNNING" && !hunt.expired ? (
            <button type="button" className="primary" disabled={busy} onClick={() => void setState("RUNNING")} data-testid="hunt-start">
              {hunt.state === "STOPPED" ? "Start again" : "Start"}
            </button>
          ) : null}
          {can.canStop && hunt.state === "RUNNING" && !hunt.expired ? (
            <button type="button" disabled={busy} onClick={() => void setState("STOPPED")} data-testid="hunt-stop">
              Stop
            </button>
          ) : null}
          <a className="button" href={`${base}/download`} download data-testid="hunt-download">
            Download zip
          </a>
          <StoredExports prefix={`/downloads/hunts/${hunt.huntId}/`} />
          {can.canNotebook ? (
            <button type="button" disabled={busy} onClick={() => void openNotebook()} data-testid="hunt-open-notebook">
              Open hunt notebook
            </button>
          ) : null}
        </div>
      </div>
      {hunt.stopReason ? <p className="notice">Stopped: {hunt.stopReason}</p> : null}
      {error ? (
        <p className="notice error" role="alert" data-testid="hunt-error">
          {error}
        </p>
      ) : null}
      {note ? <p className="notice" data-testid="hunt-note">{note}</p> : null}

      <div className="hunt-counts" data-testid="hunt-counts">
        <div className="count" data-testid="hunt-count-scheduled">
          <span className="n">{s.totalClientsScheduled.toLocaleString()}</span>
          <span className="muted small">scheduled</span>
        </div>
        <div className="count" data-testid="hunt-count-finished">
          <span className="n">{s.totalFinishedClients.toLocaleString()}</span>
          <span className="muted small">finished</span>
        </div>
        {QUEUES.map((q) => (
          <button
            type="button"
            key={q.state}
            className={`count${queue === q.state && tab === "clients" ? " selected" : ""}`}
            aria-pressed={queue === q.state && tab === "clients"}
            onClick={() => {
              setQueue(q.state);
              setTab("clients");
            }}
            data-testid={`hunt-count-${q.state}`}
          >
            <span className="n">{queueCount(hunt, q.state).toLocaleString()}</span>
            <span className="muted small">{q.label}</span>
          </button>
        ))}
        <div className="count">
          <span className="n" data-testid="hunt-total-rows">
            {s.totalCollectedRows.toLocaleString()}
          </span>
          <span className="muted small">rows · {bytes(s.totalUploadedBytes)} uploaded</span>
        </div>
      </div>

      <dl className="facts hunt-facts">
        <dt>Artifacts</dt>
        <dd>{hunt.artifacts.join(", ")}</dd>
        <dt>Creator</dt>
        <dd>{hunt.creator}</dd>
        <dt>Created / started / expires</dt>
        <dd>
          {when(hunt.createdAt)} / {when(hunt.startedAt)} / {when(hunt.expiresAt)}
        </dd>
        <dt>Clients</dt>
        <dd>
          {hunt.includeLabels.length ? `labels ${hunt.includeLabels.join(", ")}` : "every client"}
          {hunt.excludeLabels.length ? `, not ${hunt.excludeLabels.join(", ")}` : ""}, OS {hunt.os}
          {hunt.clientLimit ? `, at most ${hunt.clientLimit}` : ""}, {hunt.clientRate ? `${hunt.clientRate} per minute` : "as fast as possible"}
        </dd>
        {hunt.serverCondition ? (
          <>
            <dt>Server-side condition</dt>
            <dd>
              <pre className="mono small">{hunt.serverCondition}</pre>
            </dd>
          </>
        ) : null}
        {hunt.clientCondition ? (
          <>
            <dt>Client-side condition</dt>
            <dd>
              <pre className="mono small">{hunt.clientCondition}</pre>
            </dd>
          </>
        ) : null}
        <dt>Limits per client</dt>
        <dd>
          {Math.round(hunt.timeoutMs / 1000)} s per source, {hunt.maxRows.toLocaleString()} rows, {hunt.maxUploadBytes ? bytes(hunt.maxUploadBytes) : "no upload limit"}
        </dd>
        {hunt.tags.length ? (
          <>
            <dt>Tags</dt>
            <dd>{hunt.tags.join(", ")}</dd>
          </>
        ) : null}
      </dl>

      <div className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === "clients"} onClick={() => setTab("clients")} data-testid="hunt-tab-clients">
          Clients
        </button>
        <button type="button" role="tab" aria-selected={tab === "results"} onClick={() => setTab("results")} data-testid="hunt-tab-results">
          Results
        </button>
      </div>
      {tab === "clients" ? (
        <>
          <h2>{QUEUES.find((q) => q.state === queue)?.label}</h2>
          {queue === "error" && can.canStart && !done ? (
            <button type="button" disabled={busy || s.totalClientsWithErrors === 0} onClick={() => void rerun()} data-testid="hunt-rerun-errors">
              Re-run errored clients
            </button>
          ) : null}
          <HuntClients huntId={id} state={queue} version={version} />
        </>
      ) : (
        <HuntResults huntId={id} version={version} />
      )}
    </section>
  );
}
