"use client";
// The hunts list: state, description, creator, times and progress of each hunt, newest first,
// paged on the server and live (the `hunts` topic; polled every 5 s without it). "New hunt" for
// those who may create one (COLLECT_CLIENT proposes a paused hunt); "Re-interrogate all
// clients" (START_HUNT) starts a hunt of Generic.Client.Info on every client after a confirmation.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import { callApi } from "../api";
import { Pager } from "../clients/data-table";
import { shownState, when, type HuntRow } from "./types";
import { useHuntLive } from "./use-hunt-live";

const LIMIT = 50;

export function HuntsView({ canCreate, canStart }: { canCreate: boolean; canStart: boolean }) {
  const router = useRouter();
  const [offset, setOffset] = useState(0);
  const [data, setData] = useState<{ hunts: HuntRow[]; total: number } | null>(null);
  const [error, setError] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    callApi<{ hunts: HuntRow[]; total: number }>("GET", `/api/hunts?offset=${offset}&limit=${LIMIT}`).then(
      (d) => {
        setData(d);
        setError("");
      },
      (e) => setError((e as Error).message),
    );
  }, [offset]);
  useEffect(load, [load]);
  const live = useHuntLive(["hunts"], load);

  async function reinterrogate() {
    setBusy(true);
    try {
      const { hunt } = await callApi<{ hunt: HuntRow }>("POST", "/api/hunts", { artifacts: ["Generic.Client.Info"], description: "Re-interrogate all clients", tags: ["interrogate"], pause: false });
      router.push(`/hunts/${encodeURIComponent(hunt.huntId)}`);
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
      setConfirming(false);
    }
  }

  return (
    <div data-testid="hunts-view" data-live={live}>
      <div className="row">
        {canCreate ? (
          <Link className="button primary" href="/hunts/new" data-testid="hunt-new">
            New hunt
          </Link>
        ) : null}
        {canStart ? (
          <button type="button" onClick={() => setConfirming(true)} data-testid="hunt-reinterrogate">
            Re-interrogate all clients
          </button>
        ) : null}
      </div>
      {confirming ? (
        <div className="notice" role="alertdialog" aria-label="Re-interrogate all clients" data-testid="reinterrogate-confirm">
          <p>Start a hunt of Generic.Client.Info on every client now? Each client is interrogated again (its facts and automatic labels are refreshed).</p>
          <div className="row">
            <button type="button" onClick={() => setConfirming(false)} disabled={busy}>
              Cancel
            </button>
            <button type="button" className="primary" onClick={() => void reinterrogate()} disabled={busy} data-testid="reinterrogate-start">
              Start the hunt
            </button>
          </div>
        </div>
      ) : null}
      {error ? <p className="notice error">{error}</p> : null}
      {!data ? (
        <p className="muted">Loading…</p>
      ) : data.hunts.length === 0 ? (
        <p className="muted" data-testid="hunts-empty">
          No hunts yet.
        </p>
      ) : (
        <>
          <table className="data" aria-label="Hunts" data-testid="hunts-table">
            <thead>
              <tr>
                <th>Hunt</th>
                <th>State</th>
                <th>Description</th>
                <th>Artifacts</th>
                <th>Creator</th>
                <th>Created</th>
                <th>Started</th>
                <th>Expires</th>
                <th title="Scheduled / finished / with results / errors">Progress</th>
              </tr>
            </thead>
            <tbody>
              {data.hunts.map((h) => (
                <tr key={h.huntId} data-testid={`hunt-row-${h.huntId}`}>
                  <td>
                    <Link href={`/hunts/${encodeURIComponent(h.huntId)}`} className="mono">
                      {h.huntId}
                    </Link>
                  </td>
                  <td>
                    <span className={`state ${shownState(h).toLowerCase()}`} data-testid="hunt-state">
                      {shownState(h)}
                    </span>
                  </td>
                  <td>{h.description}</td>
                  <td className="small">{h.artifacts.join(", ")}</td>
                  <td>{h.creator}</td>
                  <td className="nowrap small">{when(h.createdAt)}</td>
                  <td className="nowrap small">{when(h.startedAt)}</td>
                  <td className="nowrap small">{when(h.expiresAt)}</td>
                  <td className="nowrap" data-testid="hunt-progress">
                    <span title="scheduled">{h.stats.totalClientsScheduled}</span> / <span title="finished">{h.stats.totalFinishedClients}</span> /{" "}
                    <span title="with results">{h.stats.totalClientsWithResults}</span> / <span title="errors">{h.stats.totalClientsWithErrors}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">Progress: scheduled / finished / with results / errors.</p>
          <Pager offset={offset} limit={LIMIT} total={data.total} onPage={setOffset} />
        </>
      )}
    </div>
  );
}
