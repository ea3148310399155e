"use client";
// One event queue's details: Live (the tail over the socket), History (stored rows, paged from
// the server) and Logs (the query's log lines). Server queues read the `server` rows; client
// queues read every client's rows (ClientId linked), or one client's; history and logs can be
// limited to [start, end) (epoch seconds; the client page's day).
import { useState } from "react";
import { EventHistory } from "./event-history";
import { EventLogs } from "./event-logs";
import { LiveTail } from "./live-tail";

type Tab = "live" | "history" | "logs";

export function EventDetails({ queue, kind, clientId, start, end, historyLabel = "History" }: { queue: string; kind: "server" | "client"; clientId?: string; start?: number; end?: number; historyLabel?: string }) {
  const [tab, setTab] = useState<Tab>("live");
  const showClient = kind === "client" && !clientId;
  return (
    <div className="event-details" data-testid="event-details" data-queue={queue}>
      <div className="tabs" role="tablist">
        {(["live", "history", "logs"] as const).map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} onClick={() => setTab(t)} data-testid={`event-tab-${t}`}>
            {t === "live" ? "Live" : t === "history" ? historyLabel : "Logs"}
          </button>
        ))}
      </div>
      {/* The tail stays subscribed while another tab is open, so switching back loses nothing. */}
      <div hidden={tab !== "live"}>
        <LiveTail queue={queue} clientId={clientId} showClient={showClient} />
      </div>
      {tab === "live" ? null : tab === "history" ? (
        <EventHistory queue={queue} clientId={kind === "server" ? "server" : clientId} start={start} end={end} showClient={showClient} />
      ) : kind === "server" || clientId ? (
        <EventLogs artifact={queue} clientId={clientId ?? "server"} start={start} end={end} />
      ) : (
        <p className="muted">Client event logs are kept per client: open a client&apos;s Events tab to read them.</p>
      )}
    </div>
  );
}
