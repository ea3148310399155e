"use client";
// One source of a collection as a table paged from the server, sorted (header click) and
// filtered (a text, in one column or any) by the database; the CSV and JSON downloads carry
// the same view, so the file holds the rows the table shows, in its order.
import { useEffect, useState } from "react";
import { callApi } from "../api";
import { DataTable, Pager, type TableSort } from "./data-table";

const PAGE = 100;

interface Page {
  columns: string[];
  rows: Record<string, unknown>[];
  total: number;
}

function query(artifact: string, sort: TableSort | undefined, filter: { text: string; column: string }, extra: Record<string, string | number>): string {
  const q = new URLSearchParams({ artifact });
  for (const [k, v] of Object.entries(extra)) q.set(k, String(v));
  if (sort) {
    q.set("sort", sort.column);
    if (sort.desc) q.set("desc", "1");
  }
  if (filter.text.trim()) {
    q.set("filter", filter.text.trim());
    if (filter.column) q.set("filterColumn", filter.column);
  }
  return q.toString();
}

export function FlowResults({ clientId, flowId, artifact, total }: { clientId: string; flowId: string; artifact: string; total: number }) {
  const base = `/api/clients/${encodeURIComponent(clientId)}/flows/${encodeURIComponent(flowId)}/results`;
  const [offset, setOffset] = useState(0);
  const [sort, setSort] = useState<TableSort | undefined>();
  const [text, setText] = useState("");
  const [column, setColumn] = useState("");
  const [filter, setFilter] = useState({ text: "", column: "" });
  const [page, setPage] = useState<Page | undefined>();
  const [error, setError] = useState("");

  useEffect(() => {
    setOffset(0);
    setSort(undefined);
    setText("");
    setColumn("");
  }, [artifact]);
  // Typing is debounced; the server filters.
  useEffect(() => {
    const t = setTimeout(() => {
      setFilter({ text: text.trim(), column });
      setOffset(0);
    }, 300);
    return () => clearTimeout(t);
  }, [text, column]);
  useEffect(() => {
    let live = true;
    callApi<Page>("GET", `${base}?${query(artifact, sort, filter, { offset, limit: PAGE })}`).then(
      (p) => {
        if (!live) return;
        setPage(p);
        setError("");
      },
      (e) => live && setError((e as Error).message),
    );
    return () => {
      live = false;
    };
  }, [base, artifact, offset, total, sort, filter]);

  if (!page) return error ? <p className="notice error">{error}</p> : <p className="muted">Loading…</p>;
  const viewed = filter.text ? " (filtered)" : sort ? " (sorted)" : "";
  return (
    <>
      <div className="row flow-results-tools">
        <label className="inline">
          Filter
          <input value={text} onChange={(e) => setText(e.target.value)} placeholder="text in any column" data-testid="flow-results-filter" />
        </label>
        <label className="inline">
          in
          <select value={column} onChange={(e) => setColumn(e.target.value)} data-testid="flow-results-filter-column">
            <option value="">any column</option>
            {page.columns.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <a className="button" href={`${base}/download?${query(artifact, sort, filter, { format: "csv" })}`} download data-testid="flow-download-csv" title={`This source's rows${viewed} as CSV`}>
          CSV
        </a>
        <a className="button" href={`${base}/download?${query(artifact, sort, filter, { format: "json" })}`} download data-testid="flow-download-json" title={`This source's rows${viewed} as JSON`}>
          JSON
        </a>
      </div>
      {error ? <p className="notice error">{error}</p> : null}
      {page.total ? (
        <>
          <DataTable
            columns={page.columns}
            rows={page.rows}
            testId="flow-results"
            sort={sort}
            onSort={(s) => {
              setSort(s);
              setOffset(0);
            }}
          />
          <Pager offset={offset} limit={PAGE} total={page.total} onPage={setOffset} testId="results-pager" />
        </>
      ) : (
        <p className="muted" data-testid="flow-results-empty">
          {filter.text ? "No rows match the filter." : "No rows."}
        </p>
      )}
    </>
  );
}
