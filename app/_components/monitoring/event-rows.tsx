"use client";
// A table of event rows: when it arrived, which client sent it (a link to the client's page,
// for client events; the row's own ClientId column becomes that link), then the row's own
// columns, known only at run time. TanStack Table v9; values render as text (objects as
// compact JSON), never as HTML.
import Link from "next/link";
import { useMemo } from "react";
import { createColumnHelper, tableFeatures, useTable } from "@tanstack/react-table";
import { cellText } from "@/app/_components/clients/format";
import { columnsOf } from "./tail";
import type { EventRow } from "./types";

const features = tableFeatures({});
const helper = createColumnHelper<typeof features, EventRow>();

export function time(iso: string | null | undefined): string {
  return iso ? new Date(iso).toISOString().replace("T", " ").slice(0, 19) : "";
}

export function EventRows({ rows, showClient, testId }: { rows: EventRow[]; showClient: boolean; testId?: string }) {
  // Client event rows carry their ClientId: shown once, as the link, when clients are mixed.
  const names = useMemo(() => columnsOf(rows).filter((c) => !(showClient && c === "ClientId")), [rows, showClient]);
  const key = names.join("\n");
  const columns = useMemo(
    () =>
      helper.columns([
        helper.accessor("at", { id: "_time", header: "Time (UTC)", cell: (info) => <span className="nowrap">{time(info.getValue())}</span> }),
        ...(showClient
          ? [
              helper.accessor("clientId", {
                id: "_client",
                header: "ClientId",
                cell: (info) => {
                  const id = info.getValue();
                  return id.startsWith("C.") ? <Link href={`/clients/${encodeURIComponent(id)}?tab=events`}>{id}</Link> : <span>{id}</span>;
                },
              }),
            ]
          : []),
        ...(key ? key.split("\n") : []).map((c) => helper.accessor((r) => r.row[c], { id: `c:${c}`, header: c, cell: (info) => <span className="cell">{cellText(info.getValue())}</span> })),
      ]),
    [key, showClient],
  );
  const table = useTable({ features, columns, data: rows });
  return (
    <div className="table-scroll">
      <table className="data results" data-testid={testId}>
        <thead>
          {table.getHeaderGroups().map((g) => (
            <tr key={g.id}>
              {g.headers.map((h) => (
                <th key={h.id}>{h.isPlaceholder ? null : <table.FlexRender header={h} />}</th>
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
