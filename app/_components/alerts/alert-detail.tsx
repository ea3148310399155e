"use client";
// One inbox entry: what and where (client, flow, artifact or notebook cell), the latest
// occurrence's event data, triage, activity, occurrences and the event rows around it. Live
// through the `alerts` topic: a raise or change of this entry re-reads it.
import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { callApi } from "../api";
import { ago } from "../clients/format";
import { time } from "../monitoring/event-rows";
import { AlertContextRows } from "./alert-context";
import { Activity, Occurrences } from "./alert-history";
import { SeverityChip, StatusBadge } from "./badges";
import { EventData } from "./event-data";
import { artifactHref, clientHref, flowHref, notebookHref } from "./links";
import { TriageActions } from "./triage-actions";
import type { AlertDetailJson } from "./types";
import { useAlertsLive } from "./use-alerts-live";

function Facts({ a }: { a: AlertDetailJson }) {
  const client = clientHref(a.clientId);
  const flow = flowHref(a.clientId, a.lastFlowId);
  const artifact = artifactHref(a.artifact);
  const notebook = notebookHref(a.notebookId, a.cellId);
  return (
    <dl className="facts" data-testid="alert-facts">
      <dt>Client</dt>
      <dd>
        {a.hostname ? `${a.hostname} ` : ""}
        {client ? (
          <Link href={client} className="mono" data-testid="alert-client-link">
            {a.clientId}
          </Link>
        ) : (
          <span className="mono">{a.clientId || "server"}</span>
        )}
      </dd>
      <dt>Artifact</dt>
      <dd>
        {artifact ? (
          <Link href={artifact} data-testid="alert-artifact-link">
            {a.artifact}
          </Link>
        ) : (
          <span className="muted">none</span>
        )}{" "}
        {a.artifactType ? <span className="muted small">({a.artifactType})</span> : null}
      </dd>
      {flow ? (
        <>
          <dt>Flow</dt>
          <dd>
            <Link href={flow} className="mono" data-testid="alert-flow-link">
              {a.lastFlowId}
            </Link>
          </dd>
        </>
      ) : null}
      {notebook ? (
        <>
          <dt>Raised in</dt>
          <dd>
            <Link href={notebook} data-testid="alert-notebook-link">
              notebook {a.notebookId}
              {a.cellId ? `, cell ${a.cellId}` : ""}
            </Link>
          </dd>
        </>
      ) : null}
      <dt>Count</dt>
      <dd data-testid="alert-detail-count">{a.count.toLocaleString()}</dd>
      <dt>First seen</dt>
      <dd>{time(a.firstSeen)} UTC</dd>
      <dt>Last seen</dt>
      <dd>
        {time(a.lastSeen)} UTC <span className="muted small">({ago(a.lastSeen)})</span>
      </dd>
      <dt>Raised by</dt>
      <dd>{a.raisedBy}</dd>
      <dt>Assignee</dt>
      <dd data-testid="alert-detail-assignee">{a.assignee ?? <span className="muted">nobody</span>}</dd>
    </dl>
  );
}

export function AlertDetail({ alertId, canTriage, canNotebook, me }: { alertId: string; canTriage: boolean; canNotebook: boolean; me: string }) {
  const [alert, setAlert] = useState<AlertDetailJson | undefined>();
  const [error, setError] = useState("");
  const load = useCallback(async () => {
    try {
      setAlert((await callApi<{ alert: AlertDetailJson }>("GET", `/api/alerts/${encodeURIComponent(alertId)}`)).alert);
      setError("");
    } catch (e) {
      setError((e as Error).message);
    }
  }, [alertId]);
  useEffect(() => {
    void load();
  }, [load]);
  const live = useAlertsLive(() => void load(), { relevant: (m) => m.id === alertId });

  if (!alert) return error ? <p className="notice error">{error}</p> : <p className="muted">Loading…</p>;
  return (
    <article className="alert-detail" data-testid="alert-detail" data-live={live} data-status={alert.status}>
      <p className="small">
        <Link href="/alerts">← Alerts</Link>
      </p>
      <div className="alert-head">
        <h1 data-testid="alert-name">
          <SeverityChip severity={alert.severity} /> {alert.name}
        </h1>
        <StatusBadge status={alert.status} />
      </div>
      {error ? <p className="notice error">{error}</p> : null}
      <div className="client-grid">
        <section className="panel">
          <Facts a={alert} />
        </section>
        <section className="panel">
          <h2>Triage</h2>
          <TriageActions alert={alert} canTriage={canTriage} me={me} onChanged={() => void load()} />
        </section>
      </div>
      <h2>Latest event data</h2>
      <section className="panel">
        <EventData data={alert.lastEventData} />
      </section>
      <h2>Activity</h2>
      <Activity activity={alert.activity} />
      <h2>Occurrences</h2>
      <Occurrences occurrences={alert.occurrences} clientId={alert.clientId} count={alert.count} />
      <h2>Event rows around</h2>
      <AlertContextRows alertId={alert.id} canNotebook={canNotebook} />
    </article>
  );
}
