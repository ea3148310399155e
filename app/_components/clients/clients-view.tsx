"use client";
// The Clients list: a search box that takes Velociraptor's verbs, one page of clients at a
// time from the server (tens of thousands of clients page fine), the online dot, labels as
// chips, and adding or removing labels on the selected clients. Live through the `clients`
// topic: online dots change in place; other changes re-read the page (throttled), so a burst
// of thousands of agents connecting costs one read a second, not one per agent.
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { createColumnHelper, tableFeatures, useTable } from "@tanstack/react-table";
import { callApi } from "../api";
import { throttle, useLiveTopics } from "../live/use-live-topics";
import { Pager } from "./data-table";
import { ago, status } from "./format";
import { LabelChips } from "./label-chips";
import type { ClientRow } from "./types";

const PAGE = 50;
const features = tableFeatures({});
const helper = createColumnHelper<typeof features, ClientRow>();

export function ClientsView({ canLabel }: { canLabel: boolean }) {
  const router = useRouter();
  const params = useSearchParams();
  const q = params.get("q") ?? "";
  const offset = Number(params.get("offset") ?? 0) || 0;
  const [draft, setDraft] = useState(q);
  const [onlineOnly, setOnlineOnly] = useState(false);
  const [page, setPage] = useState<{ items: ClientRow[]; total: number } | undefined>();
  const [error, setError] = useState("");
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [label, setLabel] = useState("");
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const r = await callApi<{ items: ClientRow[]; total: number }>("GET", `/api/clients?q=${encodeURIComponent(q)}&offset=${offset}&limit=${PAGE}${onlineOnly ? "&online=1" : ""}`);
      setPage(r);
      setError("");
    } catch (e) {
      setError((e as Error).message);
    }
  }, [q, offset, onlineOnly]);

  useEffect(() => {
    setDraft(q);
  }, [q]);
  useEffect(() => {
    void load();
  }, [load]);

  const reload = useMemo(() => throttle(() => void load(), 1000), [load]);
  useEffect(() => () => reload.cancel(), [reload]);
  const shown = useRef(new Set<string>());
  useEffect(() => {
    shown.current = new Set(page?.items.map((c) => c.clientId));
  }, [page]);
  const live = useLiveTopics(["clients"], {
    resync: () => reload.call(),
    onMessage: (_topic, m) => {
      const id = String(m.clientId ?? "");
      if (m.type === "online" && shown.current.has(id) && !onlineOnly) {
        const online = m.online === true;
        const seen = new Date().toISOString();
        setPage((p) => p && { ...p, items: p.items.map((c) => (c.clientId === id ? { ...c, online, lastSeenAt: online ? c.lastSeenAt : seen } : c)) });
        return;
      }
      // An online change of a client not on this page changes nothing shown, unless the list
      // is filtered on being online; anything else (new client, labels, interrogation) may.
      if (m.type === "online" && !onlineOnly) return;
      reload.call();
    },
  });

  const go = (next: { q?: string; offset?: number }) => {
    const sp = new URLSearchParams();
    const nq = next.q ?? q;
    if (nq) sp.set("q", nq);
    if (next.offset) sp.set("offset", String(next.offset));
    setSelected(new Set());
    router.push(`/clients${sp.size ? `?${sp}` : ""}`);
  };

  async function changeLabels(op: "set" | "remove", ids: string[], labels: string[]) {
    setBusy(true);
    try {
      await callApi("POST", "/api/clients/labels", { clientIds: ids, labels, op });
      await load();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const columns = useMemo(
    () =>
      helper.columns([
        helper.display({
          id: "select",
          header: () => null,
          cell: (info) => {
            const id = info.row.original.clientId;
            return (
              <input
                type="checkbox"
                aria-label={`select ${info.row.original.hostname || id}`}
                checked={selected.has(id)}
                onChange={(e) => {
                  const next = new Set(selected);
                  if (e.target.checked) next.add(id);
                  else next.delete(id);
                  setSelected(next);
                }}
              />
            );
          },
        }),
        helper.display({
          id: "status",
          header: () => null,
          cell: (info) => {
            const s = status(info.row.original.online, info.row.original.lastSeenAt);
            return <span className={`dot ${s}`} title={s === "online" ? "online" : `last seen ${ago(info.row.original.lastSeenAt)}`} data-testid={`status-${info.row.original.clientId}`} data-status={s} />;
          },
        }),
        helper.accessor("clientId", { header: "Client ID", cell: (info) => <Link href={`/clients/${info.getValue()}`}>{info.getValue()}</Link> }),
        helper.accessor("hostname", { header: "Hostname", cell: (info) => info.getValue() || <span className="muted">(interrogating…)</span> }),
        helper.accessor("os", { header: "OS", cell: (info) => [info.getValue(), info.row.original.platform, info.row.original.release].filter(Boolean).join(" · ") }),
        helper.accessor("labels", { header: "Labels", cell: (info) => <LabelChips labels={info.getValue()} onRemove={canLabel ? (l) => void changeLabels("remove", [info.row.original.clientId], [l]) : undefined} /> }),
        helper.accessor("lastSeenAt", { header: "Last seen", cell: (info) => ago(info.getValue()) }),
        helper.accessor("lastIp", { header: "Last IP" }),
      ]),
    [selected, canLabel],
  );
  const data = useMemo(() => page?.items ?? [], [page]);
  const table = useTable({ features, columns, data });

  return (
    <>
      <form
        className="row clients-search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          go({ q: draft.trim(), offset: 0 });
        }}
      >
        <label className="grow">
          Search
          <input
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="host:web* label:prod os:windows ip:10.1. mac: client:C.… recent: all, or a word"
            data-testid="clients-search"
          />
        </label>
        <button type="submit" className="primary">
          Search
        </button>
        <label className="inline">
          <input type="checkbox" checked={onlineOnly} onChange={(e) => setOnlineOnly(e.target.checked)} /> online only
        </label>
      </form>
      {error ? <p className="notice error">{error}</p> : null}
      {canLabel ? (
        <div className="row label-bar">
          <label>
            Label
            <input value={label} onChange={(e) => setLabel(e.target.value)} placeholder="e.g. Critical" data-testid="label-input" />
          </label>
          <button type="button" disabled={busy || !label.trim() || !selected.size} onClick={() => void changeLabels("set", [...selected], [label.trim()])} data-testid="label-add">
            Add label to {selected.size || "selected"} client{selected.size === 1 ? "" : "s"}
          </button>
          <button type="button" disabled={busy || !label.trim() || !selected.size} onClick={() => void changeLabels("remove", [...selected], [label.trim()])} data-testid="label-remove">
            Remove label
          </button>
        </div>
      ) : null}
      <table className="data clients" data-testid="clients-table" data-live={live}>
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
            <tr key={r.id} data-testid={`client-row-${r.original.clientId}`}>
              {r.getAllCells().map((cell) => (
                <td key={cell.id}>
                  <table.FlexRender cell={cell} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {page && page.items.length === 0 ? <p className="muted">No clients match.</p> : null}
      <Pager offset={offset} limit={PAGE} total={page?.total ?? 0} onPage={(o) => go({ offset: o })} testId="clients-pager" />
    </>
  );
}
