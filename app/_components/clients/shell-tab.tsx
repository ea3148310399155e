"use client";
// A client's Shell tab (?tab=shell), Velociraptor's client shell: a command typed here is a
// collection of Linux.Sys.BashShell (POST /api/clients/:id/flows, the collect path that checks
// COLLECT_CLIENT, the artifact's required EXECVE and COLLECT_SERVER for the server's own host,
// and audits it). Below, the earlier shell collections of this client, newest first and paged:
// command, who ran it, when, state, and the output, which streams in as the flow's rows arrive
// (live through `flows:<clientId>`). Users without the permissions see why they cannot run one.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { callApi } from "@/app/_components/api";
import { throttle, useLiveTopics } from "@/app/_components/live/use-live-topics";
import { Pager } from "./data-table";
import { ago } from "./format";
import type { FlowRow } from "./types";
import "./shell-tab.css";

export const SHELL_ARTIFACT = "Linux.Sys.BashShell";
const HISTORY_PAGE = 10;
/** Output rows read per request, and at most per command (Length is 4096 bytes a row: 8 MiB). */
const ROWS_PAGE = 500;
const MAX_ROWS = 2000;

/** Why this user may not run shell commands, or "" (the server checks again). */
export function shellBlockedReason(canCollect: boolean, canExecve: boolean): string {
  const missing = [canCollect ? "" : "COLLECT_CLIENT", canExecve ? "" : "EXECVE"].filter(Boolean);
  if (!missing.length) return "";
  return `Running shell commands needs the ${missing.join(" and ")} permission${missing.length > 1 ? "s" : ""} (by default only administrators hold EXECVE). You can still read earlier commands and their output.`;
}

export function ShellTab({ clientId, canCollect, canExecve }: { clientId: string; canCollect: boolean; canExecve: boolean }) {
  const blocked = shellBlockedReason(canCollect, canExecve);
  const [command, setCommand] = useState("");
  const [running, setRunning] = useState(false);
  const [history, setHistory] = useState<{ items: FlowRow[]; total: number } | undefined>();
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState("");

  const load = useCallback(async () => {
    try {
      setHistory(await callApi<{ items: FlowRow[]; total: number }>("GET", `/api/clients/${clientId}/flows?artifact=${SHELL_ARTIFACT}&offset=${offset}&limit=${HISTORY_PAGE}`));
    } catch (e) {
      setError((e as Error).message);
    }
  }, [clientId, offset]);
  useEffect(() => {
    void load();
  }, [load]);
  const reload = useMemo(() => throttle(() => void load(), 500), [load]);
  useEffect(() => () => reload.cancel(), [reload]);
  useLiveTopics([`flows:${clientId}`], { resync: () => reload.call(), onMessage: () => reload.call() });

  const toggle = (flowId: string) =>
    setOpen((s) => {
      const next = new Set(s);
      if (!next.delete(flowId)) next.add(flowId);
      return next;
    });

  async function run() {
    const text = command.trim();
    if (!text) return;
    setRunning(true);
    try {
      const { flow } = await callApi<{ flow: FlowRow }>("POST", `/api/clients/${clientId}/flows`, { artifacts: [SHELL_ARTIFACT], parameters: { [SHELL_ARTIFACT]: { Command: text } } });
      setCommand("");
      setError("");
      setOpen((s) => new Set([...s, flow.flowId]));
      if (offset === 0) await load();
      else setOffset(0);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setRunning(false);
    }
  }

  return (
    <div className="shell-tab" data-testid="shell-tab">
      <form
        className="row shell-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <span className="shell-prompt mono" aria-hidden>
          $
        </span>
        <input
          className="mono grow"
          value={command}
          onChange={(e) => setCommand(e.target.value)}
          placeholder={blocked ? "not permitted" : "a command for /bin/bash -c, e.g. uname -a"}
          aria-label="shell command"
          disabled={!!blocked || running}
          autoComplete="off"
          spellCheck={false}
          data-testid="shell-command"
        />
        <button type="submit" className="primary" disabled={!!blocked || running || !command.trim()} title={blocked || `Collect ${SHELL_ARTIFACT} with this command`} data-testid="shell-run">
          {running ? "Starting…" : "Run"}
        </button>
      </form>
      {blocked ? (
        <p className="notice" data-testid="shell-blocked">
          {blocked}
        </p>
      ) : (
        <p className="muted small">Runs on the endpoint as the agent&apos;s user through {SHELL_ARTIFACT}; every command is a collection, audited and kept in the history below.</p>
      )}
      {error ? (
        <p className="notice error" data-testid="shell-error">
          {error}
        </p>
      ) : null}
      <h2>History</h2>
      {!history ? (
        <p className="muted">Loading…</p>
      ) : history.total === 0 ? (
        <p className="muted" data-testid="shell-history-empty">
          No shell commands on this client yet.
        </p>
      ) : (
        <>
          <ol className="shell-history" data-testid="shell-history">
            {history.items.map((f) => (
              <ShellEntry key={f.flowId} clientId={clientId} flow={f} expanded={open.has(f.flowId)} onToggle={() => toggle(f.flowId)} canCancel={!blocked} onError={setError} />
            ))}
          </ol>
          <Pager offset={offset} limit={HISTORY_PAGE} total={history.total} onPage={setOffset} testId="shell-history-pager" />
        </>
      )}
    </div>
  );
}

function ShellEntry({ clientId, flow, expanded, onToggle, canCancel, onError }: { clientId: string; flow: FlowRow; expanded: boolean; onToggle(): void; canCancel: boolean; onError(m: string): void }) {
  const command = String(flow.parameters[SHELL_ARTIFACT]?.Command ?? "");
  const live = flow.state === "WAITING" || flow.state === "RUNNING";
  return (
    <li className="panel shell-entry" data-testid={`shell-entry-${flow.flowId}`}>
      <div className="shell-entry-head">
        <button type="button" className="link" onClick={onToggle} aria-expanded={expanded} title={expanded ? "Hide output" : "Show output"} data-testid="shell-entry-toggle">
          {expanded ? "▾" : "▸"} <code className="shell-command-text" data-testid="shell-entry-command">{command}</code>
        </button>
        <span className="muted small shell-entry-meta">
          by <span data-testid="shell-entry-creator">{flow.creator}</span> · <span title={new Date(flow.createdAt).toLocaleString()}>{ago(flow.createdAt)}</span> · <a href={`/clients/${clientId}?flow=${flow.flowId}`} className="mono">{flow.flowId}</a>
        </span>
        <span className={`state ${flow.state.toLowerCase()}`} data-testid="shell-entry-state">
          {flow.state}
        </span>
        {canCancel && live ? (
          <button type="button" className="danger" onClick={() => void callApi("POST", `/api/clients/${clientId}/flows/${flow.flowId}/cancel`).catch((e) => onError((e as Error).message))} data-testid="shell-entry-cancel">
            Cancel
          </button>
        ) : null}
      </div>
      {flow.status ? <p className="error small">{flow.status}</p> : null}
      {expanded ? <ShellOutput clientId={clientId} flowId={flow.flowId} totalRows={flow.totalRows} live={live} /> : null}
    </li>
  );
}

type OutputRow = { Stdout?: unknown; Stderr?: unknown; ReturnCode?: unknown; Complete?: unknown };

/** The command's output: rows read in order as they arrive, stdout and stderr joined. */
function ShellOutput({ clientId, flowId, totalRows, live }: { clientId: string; flowId: string; totalRows: number; live: boolean }) {
  const [rows, setRows] = useState<OutputRow[]>([]);
  const busy = useRef(false);
  // Bumped to read again when a read found none of the rows the total promised yet.
  const [retry, setRetry] = useState(0);
  const [error, setError] = useState("");
  useEffect(() => {
    const have = rows.length;
    if (busy.current || have >= Math.min(totalRows, MAX_ROWS)) return;
    busy.current = true;
    const limit = Math.min(ROWS_PAGE, MAX_ROWS - have);
    callApi<{ rows: OutputRow[] }>("GET", `/api/clients/${clientId}/flows/${flowId}/results?artifact=${SHELL_ARTIFACT}&offset=${have}&limit=${limit}`)
      .then(
        (r) => {
          if (r.rows.length) setRows((old) => (old.length === have ? [...old, ...r.rows] : old));
          else setTimeout(() => setRetry((n) => n + 1), 1000);
        },
        (e) => setError((e as Error).message),
      )
      .finally(() => {
        busy.current = false;
      });
  }, [clientId, flowId, totalRows, rows.length, retry]);

  const stdout = rows.map((r) => (typeof r.Stdout === "string" ? r.Stdout : "")).join("");
  const stderr = rows.map((r) => (typeof r.Stderr === "string" ? r.Stderr : "")).join("");
  const end = rows.find((r) => r.Complete === true);
  return (
    <div className="shell-output" data-testid="shell-output">
      {error ? <p className="error small">{error}</p> : null}
      <pre className="shell-stdout" data-testid="shell-stdout">
        {stdout || (live ? "" : stderr ? "" : "(no output)")}
      </pre>
      {stderr ? (
        <pre className="shell-stderr" data-testid="shell-stderr">
          {stderr}
        </pre>
      ) : null}
      <p className="muted small">
        {end ? <span data-testid="shell-return-code">exit status {String(end.ReturnCode)}</span> : live ? "running…" : null}
        {totalRows > MAX_ROWS ? ` · showing the first ${MAX_ROWS} of ${totalRows} output rows; the collection has them all` : null}
      </p>
    </div>
  );
}
