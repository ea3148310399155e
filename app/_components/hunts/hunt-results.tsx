"use client";
// Every client's rows of one source of a hunt, a page at a time from the server
// (GET /api/hunts/:id/results, the service behind hunt_results()), each with ClientId, Fqdn and
// FlowId; a source picker when the hunt collects several. Re-read when `version` moves.
import { useEffect, useState } from "react";
import { callApi } from "../api";
import { DataTable } from "../clients/data-table";

const LIMIT = 100;
interface ResultsPage {
  sources: string[];
  source: string;
  columns: string[];
  rows: Record<string, unknown>[];
  offset: number;
  more: boolean;
}

export function HuntResults({ huntId, version }: { huntId: string; version: number }) {
  const [source, setSource] = useState("");
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<ResultsPage | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    let stale = false;
    const q = new URLSearchParams({ offset: String(offset), limit: String(LIMIT) });
    if (source) q.set("artifact", source);
    callApi<ResultsPage>("GET", `/api/hunts/${encodeURIComponent(huntId)}/results?${q}`).then(
      (p) => {
        if (stale) return;
        setPage(p);
        setError("");
      },
      (e) => !stale && setError((e as Error).message),
    );
    return () => {
      stale = true;
    };
  }, [huntId, source, offset, version]);

  return (
    <div data-testid="hunt-results">
      {page && page.sources.length > 1 ? (
        <label>
          Source
          <select
            value={page.source}
            onChange={(e) => {
              setSource(e.target.value);
              setOffset(0);
            }}
            data-testid="hunt-results-source"
          >
            {page.sources.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      ) : page ? (
        <p className="small mono">{page.source}</p>
      ) : null}
      {error ? <p className="notice error">{error}</p> : null}
      {!page ? (
        <p className="muted">Loading…</p>
      ) : page.rows.length === 0 ? (
        <p className="muted" data-testid="hunt-results-empty">
          No rows {offset ? "on this page" : "yet"}.
        </p>
      ) : (
        <DataTable columns={page.columns} rows={page.rows} testId="hunt-results-table" />
      )}
      {page ? (
        <div className="pager">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - LIMIT))}>
            Previous
          </button>
          <span className="muted" data-testid="hunt-results-range">
            {page.rows.length ? `rows ${(offset + 1).toLocaleString()}–${(offset + page.rows.length).toLocaleString()}${page.more ? " (more follow)" : ""}` : ""}
          </span>
          <button type="button" disabled={!page.more} onClick={() => setOffset(offset + LIMIT)}>
            Next
          </button>
        </div>
      ) : null}
    </div>
  );
}
