"use client";
// Server-side pages of one stored result table, fetched as the virtual window needs them and
// kept per view (sort + filter). Rows streamed inline while the cell runs seed the first page.
import { useCallback, useEffect, useRef, useState } from "react";

export const PAGE = 200;

export interface TableRow {
  ord: number;
  values: Record<string, unknown>;
}

export interface RowView {
  sort?: { column: string; desc: boolean };
  filter?: { text: string; column?: string };
}

export interface RowSource {
  notebookId: string;
  cellId: string;
  tableId: number;
}

export function rowsUrl(src: RowSource, view: RowView, extra: Record<string, string | number>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(extra)) q.set(k, String(v));
  if (view.sort) {
    q.set("sort", view.sort.column);
    if (view.sort.desc) q.set("desc", "1");
  }
  if (view.filter?.text) {
    q.set("filter", view.filter.text);
    if (view.filter.column) q.set("filterColumn", view.filter.column);
  }
  return `/api/notebooks/${encodeURIComponent(src.notebookId)}/cells/${encodeURIComponent(src.cellId)}/tables/${src.tableId}/rows?${q}`;
}

export function downloadUrl(src: RowSource, view: RowView, format: "csv" | "json"): string {
  return rowsUrl(src, view, { format }).replace("/rows?", "/download?");
}

export function useRowPages(src: RowSource, view: RowView, rowCount: number, inline: string[] | undefined) {
  const key = `${src.tableId}|${view.sort?.column ?? ""}|${view.sort?.desc ? 1 : 0}|${view.filter?.column ?? ""}|${view.filter?.text ?? ""}`;
  const pages = useRef(new Map<number, TableRow[]>());
  const loading = useRef(new Set<number>());
  const keyRef = useRef(key);
  const [filteredTotal, setFilteredTotal] = useState<number | undefined>(undefined);
  const [, setTick] = useState(0);
  const [error, setError] = useState<string | undefined>(undefined);
  const plain = !view.sort && !view.filter?.text;

  if (keyRef.current !== key) {
    keyRef.current = key;
    pages.current = new Map();
    loading.current = new Set();
  }

  // A growing table: short pages may have more rows now.
  useEffect(() => {
    for (const [i, rows] of pages.current) if (rows.length < PAGE) pages.current.delete(i);
    setTick((t) => t + 1);
  }, [rowCount]);

  useEffect(() => {
    setFilteredTotal(undefined);
  }, [key]);

  const ensure = useCallback(
    (first: number, last: number) => {
      const myKey = keyRef.current;
      for (let p = Math.floor(first / PAGE); p <= Math.floor(Math.max(first, last) / PAGE); p++) {
        if (pages.current.has(p) || loading.current.has(p)) continue;
        loading.current.add(p);
        fetch(rowsUrl(src, view, { offset: p * PAGE, limit: PAGE }), { credentials: "same-origin" })
          .then(async (r) => {
            const body = await r.json();
            if (!r.ok) throw new Error(body?.message ?? `${r.status}`);
            return body as { total: number; rows: { ord: number; row: Record<string, unknown> }[] };
          })
          .then((body) => {
            if (keyRef.current !== myKey) return;
            pages.current.set(p, body.rows.map((r) => ({ ord: r.ord, values: r.row })));
            if (view.filter?.text) setFilteredTotal(body.total);
            setError(undefined);
            setTick((t) => t + 1);
          })
          .catch((err: Error) => setError(err.message))
          .finally(() => loading.current.delete(p));
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [key, src.notebookId, src.cellId],
  );

  const rowAt = useCallback(
    (i: number): TableRow | undefined => {
      const page = pages.current.get(Math.floor(i / PAGE));
      if (page) return page[i % PAGE];
      if (plain && inline && i < inline.length) {
        try {
          return { ord: i, values: JSON.parse(inline[i]!) };
        } catch {
          return undefined;
        }
      }
      return undefined;
    },
    [plain, inline],
  );

  // A filter changes the count (the server says how many match); a sort alone does not.
  const filtered = Boolean(view.filter?.text);
  useEffect(() => {
    if (filtered) ensure(0, 0);
  }, [filtered, ensure]);
  const total = filtered ? filteredTotal ?? 0 : rowCount;
  return { total, rowAt, ensure, error, filtering: filtered && filteredTotal === undefined };
}
