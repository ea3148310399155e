"use client";
// One collection: its state and per-source status, each source's results as a table paged,
// sorted and filtered by the server (flow-results.tsx, with CSV/JSON downloads), the query
// log, uploaded files (downloadable), the zip of it all, Cancel, "Open in notebook" (a notebook
// of source() cells) and "Copy collection" (the Collect dialog filled with this one). Live
// through `flows:<client>` (messages for this flow re-read it, throttled; the result, log and
// upload tabs follow the new counts); a slow poll only while the socket is down.
import { StoredExports } from "../stored-exports";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useState } from "react";
import { callApi } from "../api";
import { throttle, useLiveTopics } from "../live/use-live-topics";
import { Pager } from "./data-table";
import { FlowResults } from "./flow-results";
import { ago, bytes } from "./format";
import { flowStatusText, useFlowErrors } from "./flow-status";
import type { FlowRow } from "./types";

const PAGE = 100;

export function FlowDetails({ clientId, flowId, canCollect, canNotebook = false, onCopy }: { clientId: string; flowId: string; canCollect: boolean; canNotebook?: boolean; onCopy?(flow: FlowRow): void }) {
  const router = useRouter();
  const [flow, setFlow] = useState<FlowRow | undefined>();
  const [busy, setBusy] = useState(false);
  const [tab, setTab] = useState<string>("");
  const [error, setError] = useState("");
  const logErrors = useFlowErrors(clientId, flowId, flow ? `${flow.state}:${flow.totalLogs}` : "");

  const load = useCallback(async () => {
    try {
      const { flow: f } = await callApi<{ flow: FlowRow }>("GET", `/api/clients/${clientId}/flows/${flowId}`);
      setFlow(f);
      setError("");
    } catch (e) {
      setError((e as Error).message);
    }
  }, [clientId, flowId]);

  useEffect(() => {
    void load();
  }, [load]);
  const reload = useMemo(() => throttle(() => void load(), 500), [load]);
  useEffect(() => () => reload.cancel(), [reload]);
  useLiveTopics([`flows:${clientId}`], {
    resync: () => reload.call(),
    onMessage: (_topic, m) => {
      if (m.flowId === flowId) reload.call();
    },
  });

  const openNotebook = async () => {
    setBusy(true);
    try {
      const { notebookId } = await callApi<{ notebookId: string }>("POST", `/api/clients/${encodeURIComponent(clientId)}/flows/${encodeURIComponent(flowId)}/notebook`);
      router.push(`/notebooks/${encodeURIComponent(notebookId)}`);
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };

  if (error && !flow) return <p className="notice error">{error}</p>;
  if (!flow) return <p className="muted">Loading…</p>;
  const sources = flow.sources.length ? flow.sources.map((s) => s.artifact) : flow.artifactsWithResults;
  const current = tab || sources[0] || "log";
  const open = flow.state === "WAITING" || flow.state === "RUNNING";

  return (
    <div className="panel flow" data-testid="flow-details">
      <div className="flow-head">
        <h2>
          {flow.flowId} <span className={`state ${flow.state.toLowerCase()}`} data-testid="flow-state">{flow.state}</span>
          {logErrors.errors ? (
            <span className="error flow-errors" data-testid="flow-errors" title={logErrors.firstError?.message}>
              {" "}
              {flowStatusText(flow.state, logErrors.errors)}
            </span>
          ) : null}
        </h2>
        <span className="flow-actions">
          <a
            className="button"
            href={`/api/clients/${encodeURIComponent(clientId)}/flows/${encodeURIComponent(flowId)}/download`}
            download
            title="Results (JSON lines and CSV per source), log, uploaded files and a manifest, as one zip written while it downloads"
            data-testid="flow-download-zip"
          >
            Download zip
          </a>
          <StoredExports prefix={`/downloads/${clientId}/${flowId}/`} />
          {canNotebook ? (
            <button type="button" disabled={busy} onClick={() => void openNotebook()} title="A new notebook with one source() cell per source of this collection" data-testid="flow-open-notebook">
              Open in notebook
            </button>
          ) : null}
          {canCollect && onCopy ? (
            <button type="button" onClick={() => onCopy(flow)} title="The Collect dialog with this collection's artifacts, parameters and limits, to run it again" data-testid="flow-copy">
              Copy collection
            </button>
          ) : null}
          {canCollect && open ? (
            <button type="button" className="danger" onClick={() => void callApi("POST", `/api/clients/${clientId}/flows/${flowId}/cancel`).then(load, (e) => setError((e as Error).message))} data-testid="flow-cancel">
              Cancel
            </button>
          ) : null}
        </span>
      </div>
      {error ? <p className="notice error">{error}</p> : null}
      <p className="muted">
        {flow.artifacts.join(", ")} · by {flow.creator} · created {ago(flow.createdAt)} · {flow.totalRows.toLocaleString()} rows · {flow.totalUploadedFiles} uploads
        {flow.status ? <span className="error"> · {flow.status}</span> : null}
      </p>
      <div className="tabs" role="tablist">
        {sources.map((s) => (
          <button key={s} role="tab" aria-selected={current === s} onClick={() => setTab(s)} data-testid={`tab-${s}`}>
            {s} ({flow.sources.find((x) => x.artifact === s)?.totalRows ?? 0})
          </button>
        ))}
        <button role="tab" aria-selected={current === "log"} onClick={() => setTab("log")} data-testid="tab-log">
          Log ({flow.totalLogs})
        </button>
        <button role="tab" aria-selected={current === "uploads"} onClick={() => setTab("uploads")} data-testid="tab-uploads">
          Uploads ({flow.totalUploadedFiles})
        </button>
      </div>
      {current === "log" ? (
        <FlowLog clientId={clientId} flowId={flowId} total={flow.totalLogs} />
      ) : current === "uploads" ? (
        <FlowUploads clientId={clientId} flowId={flowId} count={flow.totalUploadedFiles} />
      ) : (
        <FlowResults clientId={clientId} flowId={flowId} artifact={current} total={flow.sources.find((x) => x.artifact === current)?.totalRows ?? 0} />
      )}
    </div>
  );
}

function FlowLog({ clientId, flowId, total }: { clientId: string; flowId: string; total: number }) {
  const [offset, setOffset] = useState(0);
  const [items, setItems] = useState<Array<{ time: string; level: string; message: string; artifact: string }>>([]);
  useEffect(() => {
    callApi<{ items: typeof items }>("GET", `/api/clients/${clientId}/flows/${flowId}/logs?offset=${offset}&limit=${PAGE}`).then((r) => setItems(r.items), () => {});
  }, [clientId, flowId, offset, total]);
  if (!items.length) return <p className="muted">No log lines.</p>;
  return (
    <>
      <table className="data log" data-testid="flow-log">
        <tbody>
          {items.map((l, i) => (
            <tr key={i} className={l.level.toLowerCase()}>
              <td className="nowrap">{new Date(l.time).toISOString().replace("T", " ").slice(0, 19)}</td>
              <td>{l.level}</td>
              <td>{l.artifact}</td>
              <td className="mono">{l.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager offset={offset} limit={PAGE} total={total} onPage={setOffset} />
    </>
  );
}

function FlowUploads({ clientId, flowId, count }: { clientId: string; flowId: string; count: number }) {
  const [items, setItems] = useState<Array<{ uploadId: string; name: string; size: number; sha256: string; artifact: string }>>([]);
  useEffect(() => {
    callApi<{ uploads: typeof items }>("GET", `/api/clients/${clientId}/flows/${flowId}/uploads`).then((r) => setItems(r.uploads), () => {});
  }, [clientId, flowId, count]);
  if (!items.length) return <p className="muted">No uploads.</p>;
  return (
    <table className="data" data-testid="flow-uploads">
      <thead>
        <tr>
          <th>File</th>
          <th>Size</th>
          <th>SHA-256</th>
          <th>Source</th>
        </tr>
      </thead>
      <tbody>
        {items.map((u) => (
          <tr key={u.uploadId}>
            <td>
              <a href={`/api/clients/${clientId}/flows/${flowId}/uploads/${u.uploadId}`} download>
                {u.name}
              </a>
            </td>
            <td>{bytes(u.size)}</td>
            <td className="mono small">{u.sha256}</td>
            <td>{u.artifact}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
