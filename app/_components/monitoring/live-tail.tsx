"use client";
// The live tail panel of one event queue: rows as they arrive (newest first, the last 500 in
// memory), "N not shown" when the server skipped rows of a burst or older ones fell off, and a
// live / connecting indicator.
import { EventRows } from "./event-rows";
import { TAIL_CAP } from "./tail";
import { eventTopic } from "./topics";
import { useEventTail } from "./use-event-tail";

export function LiveTail({ queue, clientId, showClient }: { queue: string; clientId?: string; showClient: boolean }) {
  const { tail, live, clear } = useEventTail(eventTopic(queue, clientId));
  return (
    <div className="live-tail" data-testid="live-tail" data-live={live}>
      <div className="row">
        <span className={`state ${live ? "running" : "waiting"}`} data-testid="live-state">
          {live ? "live" : "connecting…"}
        </span>
        <span className="muted" data-testid="live-count">
          {tail.rows.length.toLocaleString()} row{tail.rows.length === 1 ? "" : "s"} since opened
          {tail.notShown ? <span data-testid="live-not-shown"> · {tail.notShown.toLocaleString()} not shown (only the newest {TAIL_CAP} are kept; see History)</span> : null}
        </span>
        <button type="button" onClick={clear} disabled={!tail.rows.length && !tail.notShown}>
          Clear
        </button>
      </div>
      {tail.rows.length ? <EventRows rows={tail.rows} showClient={showClient} testId="live-rows" /> : <p className="muted">Waiting for rows…</p>}
    </div>
  );
}
