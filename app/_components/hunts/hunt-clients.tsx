"use client";
// One queue of a hunt's clients, paged on the server (GET /api/hunts/:id/clients), with links to
// each client and its hunt flow, and the error message of errored ones. Re-read when `version`
// moves (the hunt changed).
import Link from "next/link";
import { useEffect, useState } from "react";
import type { HuntClientState } from "@/engine";
import { callApi } from "../api";
import { bytes } from "../clients/format";
import { Pager } from "../clients/data-table";
import { when, type HuntClientRow } from "./types";

const LIMIT = 50;

export function HuntClients({ huntId, state, version }: { huntId: string; state: HuntClientState; version: number }) {
  const [offset, setOffset] = useState(0);
  const [data, setData] = useState<{ clients: HuntClientRow[]; total: number } | null>(null);
  const [error, setError] = useState("");
  useEffect(() => setOffset(0), [state]);
  useEffect(() => {
    let stale = false;
    callApi<{ clients: HuntClientRow[]; total: number }>("GET", `/api/hunts/${encodeURIComponent(huntId)}/clients?state=${state}&offset=${offset}&limit=${LIMIT}`).then(
      (d) => {
        if (stale) return;
        setData(d);
        setError("");
      },
      (e) => !stale && setError((e as Error).message),
    );
    return () => {
      stale = true;
    };
  }, [huntId, state, offset, version]);

  if (error) return <p className="notice error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  const showError = state === "error" || state === "excluded";
  return (
    <div data-testid={`hunt-clients-${state}`}>
      {data.clients.length === 0 ? (
        <p className="muted" data-testid="hunt-clients-empty">
          No clients in this queue.
        </p>
      ) : (
        <table className="data compact" data-testid="hunt-clients">
          <thead>
            <tr>
              <th>Client</th>
              <th>Host</th>
              <th>Flow</th>
              <th>Scheduled</th>
              <th>Finished</th>
              <th>Rows</th>
              <th>Uploaded</th>
              {showError ? <th>{state === "error" ? "Error" : "Reason"}</th> : null}
            </tr>
          </thead>
          <tbody>
            {data.clients.map((c) => (
              <tr key={c.clientId} data-testid={`hunt-client-${c.clientId}`}>
                <td>
                  <Link className="mono" href={`/clients/${encodeURIComponent(c.clientId)}`}>
                    {c.clientId}
                  </Link>
                </td>
                <td>{c.fqdn}</td>
                <td>
                  {c.flowId ? (
                    <Link className="mono small" href={`/clients/${encodeURIComponent(c.clientId)}?flow=${encodeURIComponent(c.flowId)}`}>
                      {c.flowId}
                    </Link>
                  ) : (
                    "—"
                  )}
                </td>
                <td className="nowrap small">{when(c.scheduledAt)}</td>
                <td className="nowrap small">{when(c.finishedAt)}</td>
                <td>{c.totalRows.toLocaleString()}</td>
                <td>{bytes(c.totalUploadedBytes)}</td>
                {showError ? <td className={state === "error" ? "error-text" : "muted"}>{c.error}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager offset={offset} limit={LIMIT} total={data.total} onPage={setOffset} />
    </div>
  );
}
