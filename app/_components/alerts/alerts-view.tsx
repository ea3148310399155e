"use client";
// The Alerts inbox: one row per entry (alerts grouped by name + client + artifact) with its
// severity, count, first and last seen, status and assignee; filters and paging kept in the
// URL; a page of entries at a time from the server. Live through the `alerts` topic: a raise or
// a triage change re-reads the page (throttled), polling only while the socket is down.
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useState } from "react";
import { createColumnHelper, tableFeatures, useTable } from "@tanstack/react-table";
import { callApi } from "../api";
import { Pager } from "../clients/data-table";
import { ago } from "../clients/format";
import { time } from "../monitoring/event-rows";
import { AlertFilters } from "./alert-filters";
import { SeverityChip, StatusBadge } from "./badges";
import { apiQuery, paramsOf, stateFromParams, type InboxState } from "./inbox-state";
import { artifactHref, clientHref } from "./links";
import type { AlertRow } from "./types";
import { useAlertsLive } from "./use-alerts-live";

const PAGE = 50;
const features = tableFeatures({});
const helper = createColumnHelper<typeof features, AlertRow>();

function ClientCell({ row }: { row: AlertRow }) {
  const href = clientHref(row.clientId);
  return (
    <span className="client-cell">
      {row.hostname ? <span>{row.hostname}</span> : null}
      {href ? (
        <Link href={href} className="mono small" data-testid="alert-client-link">
          {row.clientId}
        </Link>
      ) : (
        <span className="mono small">{row.clientId || "server"}</span>
      )}
    </span>
  );
}

const columns = helper.columns([
  helper.accessor("severity", { header: "Severity", cell: (info) => <SeverityChip severity={info.getValue()} /> }),
  helper.accessor("name", {
    header: "Name",
    cell: (info) => (
      <Link href={`/alerts/${encodeURIComponent(info.row.original.id)}`} data-testid="alert-link">
        {info.getValue()}
      </Link>
    ),
  }),
  helper.accessor("clientId", { header: "Client", cell: (info) => <ClientCell row={info.row.original} /> }),
  helper.accessor("artifact", {
    header: "Artifact",
    cell: (info) => {
      const href = artifactHref(info.getValue());
      return href ? <Link href={href}>{info.getValue()}</Link> : <span className="muted">{info.row.original.artifactType || "—"}</span>;
    },
  }),
  helper.accessor("count", { header: "Count", cell: (info) => <span data-testid="alert-count">{info.getValue().toLocaleString()}</span> }),
  helper.accessor("firstSeen", { header: "First seen", cell: (info) => <span className="nowrap" title={info.getValue()}>{time(info.getValue())}</span> }),
  helper.accessor("lastSeen", { header: "Last seen", cell: (info) => <span className="nowrap" title={time(info.getValue())}>{ago(info.getValue())}</span> }),
  helper.accessor("status", { header: "Status", cell: (info) => <StatusBadge status={info.getValue()} /> }),
  helper.accessor("assignee", { header: "Assignee", cell: (info) => <span data-testid="alert-assignee">{info.getValue() ?? ""}</span> }),
]);

export function AlertsView() {
  const router = useRouter();
  const path = usePathname();
  const params = useSearchParams();
  const key = params.toString();
  const state = useMemo(() => stateFromParams(new URLSearchParams(key)), [key]);
  const [page, setPage] = useState<{ alerts: AlertRow[]; total: number } | undefined>();
  const [error, setError] = useState("");

  const load = useCallback(async () => {
    try {
      setPage(await callApi<{ alerts: AlertRow[]; total: number }>("GET", `/api/alerts?${apiQuery(state, PAGE, new Date())}`));
      setError("");
    } catch (e) {
      setError((e as Error).message);
    }
  }, [state]);
  useEffect(() => {
    void load();
  }, [load]);
  const live = useAlertsLive(() => void load());

  const go = (next: InboxState) => {
    const sp = paramsOf(next);
    router.push(`${path}${sp.size ? `?${sp}` : ""}`);
  };
  const data = useMemo(() => page?.alerts ?? [], [page]);
  const table = useTable({ features, columns, data });

  return (
    <>
      <AlertFilters state={state} onChange={go} />
      {error ? <p className="notice error">{error}</p> : null}
      <div className="table-scroll">
        <table className="data alerts" data-testid="alerts-table" data-live={live}>
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
              <tr key={r.original.id} data-testid={`alert-row-${r.original.id}`} data-status={r.original.status} className={r.original.status === "new" ? "unread" : undefined}>
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
      {page && page.alerts.length === 0 ? <p className="muted">No alerts match.</p> : null}
      <Pager offset={state.offset} limit={PAGE} total={page?.total ?? 0} onPage={(o) => go({ ...state, offset: o })} testId="alerts-pager" />
    </>
  );
}
