"use client";
// Stored rows of one event queue, newest first, paged from the server
// (/api/monitoring/events): the server's rows for a SERVER_EVENT artifact, one client's (or
// every client's) for a CLIENT_EVENT one, optionally within [start, end) epoch seconds.
import { useCallback, useEffect, useState } from "react";
import { callApi } from "@/app/_components/api";
import { EventRows } from "./event-rows";
import { OffsetPager, query } from "./paged";
import type { EventRow } from "./types";

const PAGE = 100;

export function EventHistory({ queue, clientId, start, end, showClient }: { queue: string; clientId?: string; start?: number; end?: number; showClient: boolean }) {
  const [offset, setOffset] = useState(0);
  const [rows, setRows] = useState<EventRow[] | undefined>();
  const [stored, setStored] = useState(true);
  const [error, setError] = useState("");
  useEffect(() => setOffset(0), [queue, clientId, start, end]);
  const load = useCallback(async () => {
    try {
      const r = await callApi<{ rows: EventRow[]; stored: boolean }>("GET", `/api/monitoring/events?${query({ artifact: queue, client_id: clientId, start, end, offset, limit: PAGE, order: "desc" })}`);
      setRows(r.rows);
      setStored(r.stored);
      setError("");
    } catch (e) {
      setError((e as Error).message);
    }
  }, [queue, clientId, start, end, offset]);
  useEffect(() => {
    void load();
  }, [load]);

  if (error) return <p className="notice error">{error}</p>;
  if (!rows) return <p className="muted">Loading…</p>;
  return (
    <div data-testid="event-history">
      <div className="row">
        <button type="button" onClick={() => void load()} data-testid="history-refresh">
          Refresh
        </button>
        {stored ? null : <span className="muted">This queue is not stored: only the live tail shows its rows.</span>}
      </div>
      {rows.length ? <EventRows rows={rows} showClient={showClient} testId="history-rows" /> : <p className="muted">No stored rows{start !== undefined ? " on this day" : ""}.</p>}
      <OffsetPager offset={offset} limit={PAGE} count={rows.length} onPage={setOffset} testId="history-pager" />
    </div>
  );
}
