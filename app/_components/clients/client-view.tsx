"use client";
// One client: what interrogation found (Interrogate collects it again), labels, metadata, its
// collections, the Collect dialog and the selected collection's results, logs and uploads, its
// key (revoke, re-key: client-key.tsx); the
// Events tab (?tab=events, see client-events-tab) shows its event artifacts, the Shell tab
// (?tab=shell, see shell-tab) runs commands and lists earlier ones, the Files tab (?tab=files,
// see files-tab) browses its file system. Live through
// `client:<id>` (online, labels, metadata, interrogation) and `flows:<id>` (new flows, rows,
// states); re-reads are throttled, and the page polls slowly only while the socket is down.
import { useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useState } from "react";
import { callApi } from "../api";
import { throttle, useLiveTopics } from "../live/use-live-topics";
import { ClientEventsTab } from "./client-events-tab";
import { ClientKey } from "./client-key";
import { CollectDialog, type CollectInitial } from "./collect-dialog";
import { Pager } from "./data-table";
import { FilesTab } from "./files-tab";
import { FlowDetails } from "./flow-details";
import { ago, status } from "./format";
import { LabelChips } from "./label-chips";
import { ShellTab } from "./shell-tab";
import type { ClientRow, FlowRow } from "./types";

const FLOWS_PAGE = 20;

/** A flow's request as the Collect dialog's starting state (parameter values as the text fields hold them). */
function copyOf(f: FlowRow): CollectInitial {
  const parameters: Record<string, Record<string, string>> = {};
  for (const [a, values] of Object.entries(f.parameters ?? {})) {
    parameters[a] = {};
    for (const [k, v] of Object.entries(values ?? {})) parameters[a][k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return { artifacts: [...f.artifacts], parameters, timeoutSec: Math.max(1, Math.round(f.timeoutMs / 1000)), maxRows: f.maxRows };
}

export function ClientView({ initial, canCollect, canLabel, canAdmin = false, canNotebook = false, canExecve = false }: { initial: ClientRow; canCollect: boolean; canLabel: boolean; canAdmin?: boolean; canNotebook?: boolean; canExecve?: boolean }) {
  const router = useRouter();
  const params = useSearchParams();
  const selectedFlow = params.get("flow") ?? "";
  const tabParam = params.get("tab");
  const tab = !selectedFlow && (tabParam === "events" || tabParam === "shell" || tabParam === "files") ? tabParam : "collections";
  const [client, setClient] = useState(initial);
  const [flows, setFlows] = useState<{ items: FlowRow[]; total: number }>({ items: [], total: 0 });
  const [offset, setOffset] = useState(0);
  const [collecting, setCollecting] = useState<false | { initial?: CollectInitial }>(false);
  const [newLabel, setNewLabel] = useState("");
  const [interrogating, setInterrogating] = useState(false);
  const [error, setError] = useState("");
  const id = initial.clientId;

  const loadClient = useCallback(async () => {
    try {
      setClient((await callApi<{ client: ClientRow }>("GET", `/api/clients/${id}`)).client);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [id]);
  const loadFlows = useCallback(async () => {
    try {
      setFlows(await callApi<{ items: FlowRow[]; total: number }>("GET", `/api/clients/${id}/flows?offset=${offset}&limit=${FLOWS_PAGE}`));
    } catch (e) {
      setError((e as Error).message);
    }
  }, [id, offset]);
  const load = useCallback(async () => {
    await Promise.all([loadClient(), loadFlows()]);
  }, [loadClient, loadFlows]);

  useEffect(() => {
    document.title = `${client.hostname || id} · Talon`;
  }, [client.hostname, id]);
  useEffect(() => {
    void load();
  }, [load]);

  const reloadClient = useMemo(() => throttle(() => void loadClient(), 500), [loadClient]);
  const reloadFlows = useMemo(() => throttle(() => void loadFlows(), 500), [loadFlows]);
  useEffect(
    () => () => {
      reloadClient.cancel();
      reloadFlows.cancel();
    },
    [reloadClient, reloadFlows],
  );
  const live = useLiveTopics([`client:${id}`, `flows:${id}`], {
    resync: () => {
      reloadClient.call();
      reloadFlows.call();
    },
    onMessage: (topic, m) => {
      if (topic.startsWith("flows:")) return reloadFlows.call();
      if (m.type === "online") {
        const online = m.online === true;
        setClient((c) => ({ ...c, online, lastSeenAt: online ? c.lastSeenAt : new Date().toISOString() }));
        return;
      }
      reloadClient.call();
    },
  });

  async function label(op: "set" | "remove", l: string) {
    try {
      await callApi("POST", "/api/clients/labels", { clientIds: [id], labels: [l], op });
      setNewLabel("");
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  /** Velociraptor's Interrogate: Generic.Client.Info again; the record refills when it completes. */
  async function interrogate() {
    setInterrogating(true);
    try {
      await callApi("POST", `/api/clients/${id}/interrogate`);
      await loadFlows();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setInterrogating(false);
    }
  }

  const s = status(client.online, client.lastSeenAt);
  const selectFlow = (flowId: string) => router.push(`/clients/${id}?flow=${flowId}`);

  return (
    <section className="client" data-testid="client-page" data-live={live}>
      <div className="client-head">
        <h1>
          <span className={`dot ${s}`} data-testid="client-status" data-status={s} /> {client.hostname || id}
        </h1>
        {canCollect ? (
          <div className="row">
            <button type="button" onClick={() => void interrogate()} disabled={interrogating} title="Collect Generic.Client.Info again" data-testid="client-interrogate">
              {interrogating ? "Interrogating…" : "Interrogate"}
            </button>
            <button type="button" className="primary" onClick={() => setCollecting({})} data-testid="collect-open">
              Collect
            </button>
          </div>
        ) : null}
      </div>
      {error ? <p className="notice error">{error}</p> : null}
      <div className="client-grid">
        <dl className="panel facts" data-testid="client-info">
          <dt>Client ID</dt>
          <dd className="mono">{id}</dd>
          <dt>Hostname</dt>
          <dd data-testid="client-hostname">{client.hostname || <span className="muted">not interrogated yet</span>}</dd>
          <dt>FQDN</dt>
          <dd>{client.fqdn}</dd>
          <dt>OS</dt>
          <dd data-testid="client-os">{[client.os, client.platform, client.release].filter(Boolean).join(" · ")}</dd>
          <dt>Architecture</dt>
          <dd>{client.architecture}</dd>
          <dt>IP addresses</dt>
          <dd data-testid="client-ips">{[client.lastIp, ...client.ipAddresses].filter(Boolean).join(", ")}</dd>
          <dt>MAC addresses</dt>
          <dd data-testid="client-macs">{client.macAddresses.join(", ")}</dd>
          <dt>Agent</dt>
          <dd>
            {client.agentName} {client.agentVersion}
          </dd>
          <dt>First seen</dt>
          <dd>{new Date(client.firstSeenAt).toLocaleString()}</dd>
          <dt>Last seen</dt>
          <dd>{client.online ? "online now" : ago(client.lastSeenAt)}</dd>
          <dt>Interrogated</dt>
          <dd>{client.lastInterrogatedAt ? ago(client.lastInterrogatedAt) : "not yet"}</dd>
          <dt>Key</dt>
          <dd>
            <ClientKey client={client} canAdmin={canAdmin} onChanged={setClient} onError={setError} />
          </dd>
        </dl>
        <div className="panel">
          <h2>Labels</h2>
          <LabelChips labels={client.labels} onRemove={canLabel ? (l) => void label("remove", l) : undefined} />
          {canLabel ? (
            <form
              className="row"
              onSubmit={(e) => {
                e.preventDefault();
                if (newLabel.trim()) void label("set", newLabel.trim());
              }}
            >
              <input value={newLabel} onChange={(e) => setNewLabel(e.target.value)} placeholder="add a label" aria-label="new label" data-testid="client-label-input" />
              <button type="submit" disabled={!newLabel.trim()} data-testid="client-label-add">
                Add
              </button>
            </form>
          ) : null}
          <h2>Metadata</h2>
          <Metadata clientId={id} metadata={client.metadata} canEdit={canCollect} onChange={load} />
        </div>
      </div>
      <div className="tabs" role="tablist" aria-label="Client activity">
        <button type="button" role="tab" aria-selected={tab === "collections"} onClick={() => router.push(`/clients/${id}`)} data-testid="client-tab-collections">
          Collections
        </button>
        <button type="button" role="tab" aria-selected={tab === "events"} onClick={() => router.push(`/clients/${id}?tab=events`)} data-testid="client-tab-events">
          Events
        </button>
        <button type="button" role="tab" aria-selected={tab === "shell"} onClick={() => router.push(`/clients/${id}?tab=shell`)} data-testid="client-tab-shell">
          Shell
        </button>
        <button type="button" role="tab" aria-selected={tab === "files"} onClick={() => router.push(`/clients/${id}?tab=files`)} data-testid="client-tab-files">
          Files
        </button>
      </div>
      {tab === "events" ? <ClientEventsTab clientId={id} /> : null}
      {tab === "shell" ? <ShellTab clientId={id} canCollect={canCollect} canExecve={canExecve} /> : null}
      {tab === "files" ? <FilesTab clientId={id} canCollect={canCollect} /> : null}
      <div hidden={tab !== "collections"}>
        <h2>Collections</h2>
        <table className="data" data-testid="flows-table">
          <thead>
            <tr>
              <th>Flow</th>
              <th>Artifacts</th>
              <th>State</th>
              <th>Rows</th>
              <th>Created</th>
              <th>By</th>
            </tr>
          </thead>
          <tbody>
            {flows.items.map((f) => (
              <tr key={f.flowId} className={f.flowId === selectedFlow ? "selected" : ""} data-testid={`flow-row-${f.flowId}`} onClick={() => selectFlow(f.flowId)}>
                <td className="mono">
                  <a
                    href={`/clients/${id}?flow=${f.flowId}`}
                    onClick={(e) => {
                      e.preventDefault();
                      selectFlow(f.flowId);
                    }}
                  >
                    {f.flowId}
                  </a>
                </td>
                <td>{f.artifacts.join(", ")}</td>
                <td>
                  <span className={`state ${f.state.toLowerCase()}`}>{f.state}</span>
                </td>
                <td>{f.totalRows.toLocaleString()}</td>
                <td>{ago(f.createdAt)}</td>
                <td>{f.creator}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {flows.total === 0 ? <p className="muted">No collections yet.</p> : <Pager offset={offset} limit={FLOWS_PAGE} total={flows.total} onPage={setOffset} />}
        {selectedFlow ? <FlowDetails key={selectedFlow} clientId={id} flowId={selectedFlow} canCollect={canCollect} canNotebook={canNotebook} onCopy={(f) => setCollecting({ initial: copyOf(f) })} /> : null}
      </div>
      {collecting ? (
        <CollectDialog
          clientId={id}
          initial={collecting.initial}
          onClose={() => setCollecting(false)}
          onStarted={(f) => {
            setCollecting(false);
            void load();
            selectFlow(f.flowId);
          }}
        />
      ) : null}
    </section>
  );
}

function Metadata({ clientId, metadata, canEdit, onChange }: { clientId: string; metadata: Record<string, string>; canEdit: boolean; onChange(): Promise<void> }) {
  const [key, setKey] = useState("");
  const [value, setValue] = useState("");
  const [error, setError] = useState("");
  async function save(set: Record<string, string>, remove: string[]) {
    try {
      await callApi("PUT", `/api/clients/${clientId}/metadata`, { set, remove });
      setKey("");
      setValue("");
      setError("");
      await onChange();
    } catch (e) {
      setError((e as Error).message);
    }
  }
  const entries = Object.entries(metadata);
  return (
    <>
      {entries.length ? (
        <table className="data compact" data-testid="client-metadata">
          <tbody>
            {entries.map(([k, v]) => (
              <tr key={k}>
                <td className="mono">{k}</td>
                <td>{v}</td>
                {canEdit ? (
                  <td>
                    <button type="button" aria-label={`remove ${k}`} onClick={() => void save({}, [k])}>
                      ×
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">None.</p>
      )}
      {canEdit ? (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            void save({ [key.trim()]: value }, []);
          }}
        >
          <input value={key} onChange={(e) => setKey(e.target.value)} placeholder="key" aria-label="metadata key" />
          <input value={value} onChange={(e) => setValue(e.target.value)} placeholder="value" aria-label="metadata value" />
          <button type="submit" disabled={!key.trim()}>
            Set
          </button>
        </form>
      ) : null}
      {error ? <p className="error">{error}</p> : null}
    </>
  );
}
