"use client";
// A table of rows with columns known only at run time (flow results), rendered with TanStack
// Table v9. Paging, sorting and filtering happen on the server: this component shows one page it
// is given; with `onSort`, a header click asks for a sort (ascending, descending, none).
import { useMemo } from "react";
import { createColumnHelper, tableFeatures, useTable } from "@tanstack/react-table";
import { cellText } from "./format";

type Row = Record<string, unknown>;
const features = tableFeatures({});
const helper = createColumnHelper<typeof features, Row>();

export interface TableSort {
  column: string;
  desc: boolean;
}

export function DataTable({ columns, rows, testId, sort, onSort }: { columns: string[]; rows: Row[]; testId?: string; sort?: TableSort; onSort?(next: TableSort | undefined): void }) {
  const nextSort = (c: string): TableSort | undefined => (sort?.column !== c ? { column: c, desc: false } : sort.desc ? undefined : { column: c, desc: true });
  const cols = useMemo(
    () =>
      helper.columns(
        columns.map((c) =>
          helper.accessor((r) => r[c], {
            id: c,
            header: c,
            cell: (info) => <span className="cell">{cellText(info.getValue())}</span>,
          }),
        ),
      ),
    [columns],
  );
  const table = useTable({ features, columns: cols, data: rows });
  return (
    <div className="table-scroll">
      <table className="data results" data-testid={testId}>
        <thead>
          {table.getHeaderGroups().map((g) => (
            <tr key={g.id}>
              {g.headers.map((h) => (
                <th key={h.id} aria-sort={sort?.column === h.id ? (sort.desc ? "descending" : "ascending") : undefined} data-column={h.id}>
                  {h.isPlaceholder ? null : onSort ? (
                    <button type="button" className="sort-header" onClick={() => onSort(nextSort(h.id))} title="Sort on the server (again: descending; a third time: stored order)">
                      <table.FlexRender header={h} />
                      {sort?.column === h.id ? (sort.desc ? " ▼" : " ▲") : ""}
                    </button>
                  ) : (
                    <table.FlexRender header={h} />
                  )}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((r) => (
            <tr key={r.id}>
              {r.getAllCells().map((cell) => (
                <td key={cell.id}>
                  <table.FlexRender cell={cell} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Pager({ offset, limit, total, onPage, testId }: { offset: number; limit: number; total: number; onPage(offset: number): void; testId?: string }) {
  const last = Math.min(offset + limit, total);
  return (
    <div className="pager" data-testid={testId}>
      <button type="button" disabled={offset === 0} onClick={() => onPage(Math.max(0, offset - limit))}>
        Previous
      </button>
      <span className="muted">
        {total === 0 ? "none" : `${(offset + 1).toLocaleString()}–${last.toLocaleString()} of ${total.toLocaleString()}`}
      </span>
      <button type="button" disabled={last >= total} onClick={() => onPage(offset + limit)}>
        Next
      </button>
    </div>
  );
}
