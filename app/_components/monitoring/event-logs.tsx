"use client";
// Log lines of one event query (the server's, or one client's), oldest first, paged from the
// server (/api/monitoring/logs); errors and warnings coloured.
import { useCallback, useEffect, useState } from "react";
import { callApi } from "@/app/_components/api";
import { time } from "./event-rows";
import { OffsetPager, query } from "./paged";
import type { EventLog } from "./types";

const PAGE = 200;

export function EventLogs({ artifact, clientId, start, end }: { artifact: string; clientId: string; start?: number; end?: number }) {
  const [offset, setOffset] = useState(0);
  const [logs, setLogs] = useState<EventLog[] | undefined>();
  const [error, setError] = useState("");
  useEffect(() => setOffset(0), [artifact, clientId, start, end]);
  const load = useCallback(async () => {
    try {
      setLogs((await callApi<{ logs: EventLog[] }>("GET", `/api/monitoring/logs?${query({ artifact, client_id: clientId, start, end, offset, limit: PAGE })}`)).logs);
      setError("");
    } catch (e) {
      setError((e as Error).message);
    }
  }, [artifact, clientId, start, end, offset]);
  useEffect(() => {
    void load();
  }, [load]);

  if (error) return <p className="notice error">{error}</p>;
  if (!logs) return <p className="muted">Loading…</p>;
  return (
    <div data-testid="event-logs">
      <div className="row">
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {logs.length ? (
        <table className="data log">
          <tbody>
            {logs.map((l, i) => (
              <tr key={`${offset}-${i}`} className={l.level.toLowerCase()}>
                <td className="nowrap">{time(l.at)}</td>
                <td>{l.level}</td>
                <td className="mono">{l.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No log lines.</p>
      )}
      <OffsetPager offset={offset} limit={PAGE} count={logs.length} onPage={setOffset} />
    </div>
  );
}
