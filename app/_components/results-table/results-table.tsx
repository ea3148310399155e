"use client";
// A stored result table of any size: @tanstack/react-table (v9) owns the columns (sizes,
// resizing, visibility), @tanstack/react-virtual renders only the rows in view, and the rows
// come from the server a page at a time, sorted and filtered there. JSON values open in an
// inspector; timestamps show in the chosen time zone (the raw value on hover), guided by the
// column types when there are any; ids keep their tail in view; any value can be copied.
import "./results-table.css";
import { useVirtualizer } from "@tanstack/react-virtual";
import { columnResizingFeature, columnSizingFeature, columnVisibilityFeature, createColumnHelper, tableFeatures, useTable } from "@tanstack/react-table";
import { useEffect, useMemo, useRef, useState } from "react";
import { browserTimeZone, TIME_ZONES, useTimeZone } from "./time-zone";
import { downloadUrl, useRowPages, type RowSource, type RowView, type TableRow } from "./use-row-pages";
import { copyText, JsonTree, ValueCell } from "./value-cell";

const features = tableFeatures({ columnSizingFeature, columnResizingFeature, columnVisibilityFeature });
const helper = createColumnHelper<typeof features, TableRow>();
const ROW_HEIGHT = 28;
const NO_DATA: TableRow[] = [];

export interface ResultsTableProps {
  source: RowSource;
  columns: string[];
  rowCount: number;
  complete: boolean;
  /** Whether the run filling the table is still going; a finished run's incomplete table says so. */
  running?: boolean;
  truncated: boolean;
  /** Rows streamed inline while the cell runs (JSON text). */
  inline?: string[];
  height?: number;
  /** Column renderers by column name (an artifact's column_types: timestamp, nano_timestamp, ...). */
  columnTypes?: Record<string, string>;
}

function defaultHidden(columns: string[]): Record<string, boolean> {
  // Columns starting with `_` are hidden by default (Velociraptor's convention), unless they are all there is.
  const hidden: Record<string, boolean> = {};
  if (columns.some((c) => !c.startsWith("_"))) for (const c of columns) if (c.startsWith("_") && c !== "_value") hidden[c] = false;
  return hidden;
}

export function ResultsTable({ source, columns, rowCount, complete, running, truncated, inline, height = 360, columnTypes }: ResultsTableProps) {
  const [tz, setTz] = useTimeZone();
  const [view, setView] = useState<RowView>({});
  const [filterText, setFilterText] = useState("");
  const [filterColumn, setFilterColumn] = useState("");
  const [inspect, setInspect] = useState<{ ord: number; column: string; value: unknown } | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const [showColumns, setShowColumns] = useState(false);
  const scrollRef = useRef<HTMLDivElement>(null);

  const columnDefs = useMemo(
    () => columns.map((c) => helper.accessor((row: TableRow) => row.values[c], { id: c, header: c, size: Math.min(320, Math.max(90, c.length * 9 + 40)), minSize: 50, maxSize: 1200 })),
    [columns],
  );
  const table = useTable({
    features,
    columns: columnDefs,
    data: NO_DATA,
    columnResizeMode: "onChange",
    initialState: { columnVisibility: defaultHidden(columns) },
  });

  // Filter typing is debounced; the server filters.
  useEffect(() => {
    const t = setTimeout(() => setView((v) => ({ ...v, filter: filterText.trim() ? { text: filterText.trim(), column: filterColumn || undefined } : undefined })), 300);
    return () => clearTimeout(t);
  }, [filterText, filterColumn]);

  const pages = useRowPages(source, view, rowCount, inline);
  const virtualizer = useVirtualizer({ count: pages.total, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (pages.total > 0) pages.ensure(first, last);
  }, [first, last, pages.total, pages.ensure]);

  const visible = table.getVisibleLeafColumns();
  const totalWidth = visible.reduce((w, c) => w + c.getSize(), 0) + 64;

  function toggleSort(column: string) {
    setView((v) => {
      if (v.sort?.column !== column) return { ...v, sort: { column, desc: false } };
      if (!v.sort.desc) return { ...v, sort: { column, desc: true } };
      return { ...v, sort: undefined };
    });
    scrollRef.current?.scrollTo({ top: 0 });
  }

  async function copy(value: unknown, what: string) {
    try {
      await navigator.clipboard.writeText(copyText(value));
      setCopied(what);
      setTimeout(() => setCopied(null), 1500);
    } catch {
      setCopied("copy failed");
    }
  }

  return (
    <div className="rt" data-testid="results-table">
      <div className="rt-toolbar">
        <span className="rt-count" data-testid="results-total">
          {pages.total.toLocaleString("en-US")} {view.filter ? "matching " : ""}row{pages.total === 1 ? "" : "s"}
          {complete ? "" : running === false ? " (incomplete: the run ended before this query did)" : " so far"}
        </span>
        {truncated ? (
          <span className="rt-truncated" role="status" data-testid="results-truncated">
            Cut at the row cap: more rows were produced than are stored
          </span>
        ) : null}
        <input className="rt-filter" placeholder="Filter (server side)" value={filterText} onChange={(e) => setFilterText(e.target.value)} aria-label="Filter rows" />
        <select value={filterColumn} onChange={(e) => setFilterColumn(e.target.value)} aria-label="Filter column">
          <option value="">any column</option>
          {columns.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <select value={tz} onChange={(e) => setTz(e.target.value)} aria-label="Time zone">
          {TIME_ZONES.map((z) => (
            <option key={z} value={z}>
              {z === "local" ? `browser time (${browserTimeZone()})` : z}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => setShowColumns((s) => !s)} aria-expanded={showColumns}>
          Columns
        </button>
        <a className="button" href={downloadUrl(source, view, "csv")} download data-testid="download-csv">
          CSV
        </a>
        <a className="button" href={downloadUrl(source, view, "json")} download data-testid="download-json">
          JSON
        </a>
        {copied ? <span className="rt-copied" role="status">{copied}</span> : null}
      </div>
      {showColumns ? (
        <div className="rt-columns" role="group" aria-label="Show columns">
          {table.getAllLeafColumns().map((c) => (
            <label key={c.id}>
              <input type="checkbox" checked={c.getIsVisible()} onChange={(e) => c.toggleVisibility(e.target.checked)} /> {c.id}
            </label>
          ))}
        </div>
      ) : null}
      {pages.error ? <p className="notice error">{pages.error}</p> : null}
      <div className="rt-scroll" ref={scrollRef} style={{ height: Math.min(height, (pages.total + 1) * ROW_HEIGHT + 18) }}>
        <div className="rt-head" style={{ width: totalWidth }} role="row">
          <div className="rt-th rt-ord">#</div>
          {table.getHeaderGroups()[0]?.headers.map((h) => {
            const id = h.column.id;
            const sorted = view.sort?.column === id ? (view.sort.desc ? "descending" : "ascending") : "none";
            return (
              <div key={h.id} className="rt-th" style={{ width: h.getSize() }} role="columnheader" aria-sort={sorted}>
                <button type="button" className="rt-sort" onClick={() => toggleSort(id)} title={`Sort by ${id}`} data-testid={`sort-${id}`}>
                  {id}
                  {sorted === "ascending" ? " ▲" : sorted === "descending" ? " ▼" : ""}
                </button>
                <div
                  className={`rt-resize${h.column.getIsResizing() ? " active" : ""}`}
                  onMouseDown={h.getResizeHandler()}
                  onTouchStart={h.getResizeHandler()}
                  onDoubleClick={() => h.column.resetSize()}
                  role="separator"
                  aria-label={`Resize ${id}`}
                />
              </div>
            );
          })}
        </div>
        <div style={{ height: virtualizer.getTotalSize(), width: totalWidth, position: "relative" }}>
          {items.map((item) => {
            const row = pages.rowAt(item.index);
            return (
              <div key={item.key} className="rt-row" data-testid="results-row" style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}>
                <div className="rt-td rt-ord">{row ? row.ord + 1 : item.index + 1}</div>
                {visible.map((c) => {
                  const value = row?.values[c.id];
                  return (
                    <div key={c.id} className="rt-td" style={{ width: c.getSize() }}>
                      {row ? (
                        <>
                          <ValueCell value={value} tz={tz} column={c.id} columnType={columnTypes?.[c.id]} onInspect={() => setInspect({ ord: row.ord, column: c.id, value })} />
                          <button type="button" className="rt-copy" title="Copy value" aria-label={`Copy ${c.id}`} onClick={() => copy(value, `copied ${c.id}`)}>
                            ⧉
                          </button>
                        </>
                      ) : (
                        <span className="rt-loading">…</span>
                      )}
                    </div>
                  );
                })}
              </div>
            );
          })}
        </div>
      </div>
      {inspect ? (
        <div className="rt-inspector" data-testid="json-inspector">
          <div className="rt-inspector-head">
            <strong>
              Row {inspect.ord + 1}, {inspect.column}
            </strong>
            <button type="button" onClick={() => copy(inspect.value, "copied JSON")}>
              Copy JSON
            </button>
            <button type="button" onClick={() => setInspect(null)}>
              Close
            </button>
          </div>
          <JsonTree value={inspect.value} />
        </div>
      ) : null}
    </div>
  );
}
