// The writer of agent data on this process. Gateway connections hand messages to receive(); one
// loop takes everything queued (up to a batch limit) and stores it in one transaction: it locks
// the batch's clients' seq rows (client_seqs) and then its flow rows (in id order, as every writer does), drops what
// is already stored (seq at or below the client's acknowledged seq, read under that lock), writes
// the rest together with the new acknowledged seqs and the System.Flow.Completion events of
// flows that became final, then resolves each message's promise (the gateway acks it). So a
// message is stored exactly once however often, and to however many processes, the agent
// resends it; data for a flow another process ended is seen as late and dropped; and a
// completion is recorded only with the flow's results. A deadlock or serialization failure
// (two processes' writers) retries the batch; a failure one message can cause is narrowed down
// to that message (ingest-failures.ts), and that agent's later queued messages are refused too
// until it resends from there, so its seqs are never stored out of order.
import { queries, type Db, type FlowRecord } from "@/drizzle";
import type { AlertMessage, EventLogMessage, EventsMessage, FlowDataMessage, FlowMessage } from "@/engine/protocol";
import { ALERTS_QUEUE, FLOW_COMPLETION_QUEUE, type AlertRow, type ArtifactSource, type Journal, type LiveTopics, type ServiceDeps } from "@/engine/server/contracts";
import { completionEvent } from "../../mappers/flows";
import { describeFailure, isContentFailure, isolateFailure, isRetryable } from "./ingest-failures";
import { toFlowSummary } from "./mappers";
import { readRequest } from "./request";
import type { UploadStore } from "./uploads";

const MAX_BATCH_MESSAGES = 5000;
/** How long the writer lets messages gather before a batch that is not full (fewer, larger transactions). */
const GATHER_MS = 25;
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
const MAX_LOGS_PER_FLOW = 100_000;
const FINAL = new Set(["FINISHED", "ERROR", "CANCELLED", "TIMEOUT"]);
const FINAL_OF = { finished: "FINISHED", error: "ERROR", timeout: "TIMEOUT", cancelled: "CANCELLED" } as const;
const RETRIES = 3;

interface Item<M extends FlowMessage = FlowMessage> {
  clientId: string;
  message: M;
  bytes: number;
  resolve(seq: number): void;
  reject(err: Error): void;
  /** Set when the item was refused by itself: its seq. */
  failed?: number;
}
type FlowItem = Item<FlowDataMessage>;
type EventItem = Item<EventsMessage | EventLogMessage>;
type AlertItem = Item<AlertMessage>;

function isEventItem(it: Item): it is EventItem {
  return it.message.type === "events" || it.message.type === "event-log";
}

export function startIngest(
  deps: ServiceDeps,
  p: { journal: Pick<Journal, "appendFor" | "append">; uploads: UploadStore; live: Pick<LiveTopics, "flowChanged">; artifacts: Pick<ArtifactSource, "get"> },
) {
  const { db } = deps.database;
  let queue: Item[] = [];
  let running: Promise<void> | undefined;
  const idle: Array<() => void> = [];
  /** Per client, the seq of a message that was refused: its later messages wait for the resend. */
  const refusedAt = new Map<string, number>();

  function receive(clientId: string, message: FlowMessage, bytes = 0): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const it: Item = { clientId, message, bytes, resolve, reject: (err) => ((it.failed = message.seq), reject(err)) };
      queue.push(it);
      running ??= loop().finally(() => {
        running = undefined;
        if (queue.length) running = loop();
        else for (const f of idle.splice(0)) f();
      });
    });
  }

  async function loop() {
    while (queue.length) {
      if (queue.length < MAX_BATCH_MESSAGES) await new Promise((r) => setTimeout(r, GATHER_MS));
      let bytes = 0;
      let n = 0;
      while (n < queue.length && n < MAX_BATCH_MESSAGES && bytes < MAX_BATCH_BYTES) bytes += queue[n++]!.bytes;
      const batch = admissible(queue.slice(0, n));
      queue = queue.slice(n);
      if (!batch.length) continue;
      try {
        await writeBatch(batch);
      } catch (err) {
        const clients = new Set(batch.map((i) => i.clientId)).size;
        if (batch.length > 1 && !isRetryable(err) && isContentFailure(err)) {
          deps.log.warn("a batch of agent data failed; storing it agent by agent", { messages: batch.length, clients, ...describeFailure(err) });
          await isolateFailure(batch, writeBatch, deps.log);
        } else {
          deps.log.error("storing agent data failed; agents will resend", { messages: batch.length, clients, ...describeFailure(err) });
          for (const it of batch) it.reject(err as Error);
        }
        for (const it of batch) if (it.failed !== undefined) refusedAt.set(it.clientId, Math.min(it.failed, refusedAt.get(it.clientId) ?? Infinity));
      }
    }
  }

  /** Drops (refusing) messages queued after a refused one of the same client; a resend clears it. */
  function admissible(items: Item[]): Item[] {
    if (!refusedAt.size) return items;
    return items.filter((it) => {
      const at = refusedAt.get(it.clientId);
      if (at === undefined) return true;
      if (it.message.seq <= at) {
        refusedAt.delete(it.clientId);
        return true;
      }
      it.reject(new Error("an earlier message of this agent was refused; resend from there"));
      return false;
    });
  }

  async function writeBatch(items: Item[]) {
    let fresh: FlowItem[] = [];
    for (let attempt = 1; ; attempt++) {
      try {
        fresh = await storeBatch(items);
        break;
      } catch (err) {
        if (attempt >= RETRIES || !isRetryable(err)) throw err;
        deps.log.warn("agent data batch conflicted with another writer; retrying", { attempt, ...describeFailure(err) });
      }
    }
    for (const it of items) it.resolve(it.message.seq);
    const touched = new Set<string>();
    for (const it of fresh) {
      const key = `${it.clientId} ${it.message.flowId}`;
      if (!touched.has(key)) {
        touched.add(key);
        p.live.flowChanged(it.clientId, it.message.flowId);
      }
    }
  }

  /** Stores a batch in one transaction; returns the flow messages that were new. */
  function storeBatch(items: Item[]): Promise<FlowItem[]> {
    return queries.inTransaction(db, async (tx) => {
      const clientIds = [...new Set(items.map((i) => i.clientId))].sort();
      await queries.lockClientSeqs(tx, clientIds);
      const acked = await queries.getAckedSeqs(tx, clientIds);
      const fresh: FlowItem[] = [];
      const events: EventItem[] = [];
      const alerts: AlertItem[] = [];
      for (const it of items) {
        const a = acked.get(it.clientId);
        if (a === undefined || it.message.seq <= a) continue;
        acked.set(it.clientId, it.message.seq);
        if (isEventItem(it)) events.push(it);
        else if (it.message.type === "alert") alerts.push(it as AlertItem);
        else fresh.push(it as FlowItem);
      }
      const flowIds = [...new Set([...fresh.map((i) => i.message.flowId), ...alerts.flatMap((i) => (i.message.flowId ? [i.message.flowId] : []))])].sort();
      await queries.lockFlowRows(tx, flowIds);
      const { flows, sourceRows } = await queries.getFlowsForIngest(tx, flowIds);
      // Alerts first: they are appended whatever happens to the rows of their flow in this batch.
      await storeAlerts(tx, alerts, flows);
      const b = await buildBatch(tx, fresh, flows, sourceRows);
      b.acks = [...new Set([...fresh, ...events, ...alerts].map((i) => i.clientId))].map((clientId) => ({ clientId, seq: acked.get(clientId)! }));
      await storeEvents(tx, events);
      const finalized = await queries.writeIngestBatch(tx, b);
      if (finalized.length) {
        const sources = await queries.getFlowSources(tx, finalized.map((f) => f.flowId));
        const at = deps.clock.now();
        await p.journal.appendFor(FLOW_COMPLETION_QUEUE, finalized.map((f) => ({ clientId: f.clientId, row: completionEvent(toFlowSummary(f, sources), at) })), { tx });
      }
      return fresh;
    });
  }

  /** Whether a name is a CLIENT_EVENT artifact or one of its sources (cached per batch by the callers). */
  async function clientEventArtifact(name: string, cache: Map<string, boolean>): Promise<boolean> {
    let ok = cache.get(name);
    if (ok === undefined) {
      const def = await p.artifacts.get(name.split("/")[0]!);
      ok = Boolean(def && def.type.toUpperCase() === "CLIENT_EVENT" && (name === def.name || name.startsWith(`${def.name}/`)));
      cache.set(name, ok);
    }
    return ok;
  }

  /**
   * Alerts an agent raised go to Server.Internal.Alerts as the server's rows with this client's
   * id: a collection's only for a flow of this client (raised by whoever started it), an event
   * query's only for a CLIENT_EVENT artifact.
   */
  async function storeAlerts(tx: Db, items: AlertItem[], flows: Map<string, FlowRecord>) {
    if (!items.length) return;
    const cache = new Map<string, boolean>();
    const rows: Array<Record<string, unknown>> = [];
    const ts = deps.clock.now().getTime() / 1000;
    for (const { clientId, message: m } of items) {
      let artifactType = "CLIENT_EVENT";
      let raisedBy = "agent";
      if (m.flowId) {
        const flow = flows.get(m.flowId);
        if (!flow || flow.clientId !== clientId) {
          deps.log.warn("agent sent alerts for a flow it does not have; dropped", { clientId, flowId: m.flowId });
          continue;
        }
        artifactType = "CLIENT";
        raisedBy = flow.creator;
      } else if (!(await clientEventArtifact(m.artifact, cache))) {
        deps.log.warn("agent sent alerts for an artifact that is not a CLIENT_EVENT artifact; dropped", { clientId, artifact: m.artifact });
        continue;
      }
      for (const a of m.alerts) {
        const row: AlertRow = {
          client_id: clientId,
          name: a.name,
          timestamp: new Date(a.time).toISOString(),
          event_data: a.event_data,
          artifact: m.artifact,
          artifact_type: artifactType,
          flow_id: m.flowId ?? "",
          severity: a.severity,
          raised_by: raisedBy,
          _ts: ts,
        };
        rows.push(row as unknown as Record<string, unknown>);
      }
    }
    if (rows.length) await p.journal.append(ALERTS_QUEUE, rows, { tx, clientId: "server" });
  }

  /**
   * Client event rows go to the journal under their artifact with ClientId and _ts (server
   * time, Unix seconds), their log lines to event_logs; an agent may only write CLIENT_EVENT
   * queues (never an internal or server queue).
   */
  async function storeEvents(tx: Db, items: EventItem[]) {
    if (!items.length) return;
    const at = deps.clock.now();
    const ts = at.getTime() / 1000;
    const allowed = new Map<string, boolean>();
    const isClientEvent = async (name: string) => {
      const known = allowed.has(name);
      const ok = await clientEventArtifact(name, allowed);
      if (!ok && !known) deps.log.warn("agent sent events for an artifact that is not a CLIENT_EVENT artifact; dropped", { artifact: name });
      return ok;
    };
    const byQueue = new Map<string, Array<{ clientId: string; row: Record<string, unknown> }>>();
    const logs: Parameters<typeof queries.insertEventLogs>[1] = [];
    for (const { clientId, message: m } of items) {
      if (m.type === "events") {
        if (!(await isClientEvent(m.artifact))) continue;
        let list = byQueue.get(m.artifact);
        if (!list) byQueue.set(m.artifact, (list = []));
        for (const row of m.rows) list.push({ clientId, row: { ...row, ClientId: clientId, _ts: ts } });
      } else {
        for (const e of m.entries) if (await isClientEvent(e.artifact)) logs.push({ at: new Date(e.time), clientId, artifact: e.artifact, level: e.level, message: e.message });
      }
    }
    for (const [queue, rows] of byQueue) await p.journal.appendFor(queue, rows, { tx });
    await queries.insertEventLogs(tx, logs);
  }

  async function buildBatch(tx: Db, items: FlowItem[], flows: Map<string, FlowRecord>, sourceRows: Map<string, { rows: number; columns: string[] }>): Promise<queries.IngestBatch> {
    const b: queries.IngestBatch = { rows: [], logs: [], sources: [], flows: [], uploads: [], finals: [], acks: [], at: deps.clock.now().toISOString() };
    const now = deps.clock.now().toISOString();
    const flowAgg = new Map<string, queries.IngestFlow>();
    const sourceAgg = new Map<string, queries.IngestSource>();
    const logCount = new Map<string, number>();
    const finalIn = new Set<string>();

    const aggFor = (flowId: string) => {
      let a = flowAgg.get(flowId);
      if (!a) flowAgg.set(flowId, (a = { flowId, addRows: 0, addLogs: 0, addUploadFiles: 0, addUploadBytes: 0, withResults: [], activeAt: now }));
      return a;
    };
    const sourceFor = (flowId: string, artifact: string) => {
      const key = `${flowId}\u0000${artifact}`;
      let s = sourceAgg.get(key);
      if (!s) {
        const known = sourceRows.get(key);
        sourceAgg.set(key, (s = { flowId, artifact, columns: [...(known?.columns ?? [])], addRows: 0 }));
        if (!known) sourceRows.set(key, { rows: 0, columns: [] });
      }
      return s;
    };

    for (const { clientId, message: m } of items) {
      const flow = flows.get(m.flowId);
      if (!flow || flow.clientId !== clientId) {
        deps.log.warn("agent sent data for a flow it does not have; dropped", { clientId, flowId: m.flowId, type: m.type });
        continue;
      }
      if (FINAL.has(flow.state) || finalIn.has(m.flowId)) {
        deps.log.warn("agent sent data for a finished flow; dropped", { clientId, flowId: m.flowId, type: m.type, state: flow.state });
        continue;
      }
      const agg = aggFor(m.flowId);
      switch (m.type) {
        case "rows": {
          const s = sourceFor(m.flowId, m.artifact);
          const counter = sourceRows.get(`${m.flowId}\u0000${m.artifact}`)!;
          for (const c of m.columns) if (!s.columns.includes(c)) s.columns.push(c);
          for (const row of m.rows) b.rows.push({ flowId: m.flowId, artifact: m.artifact, ordinal: counter.rows++, row });
          s.addRows += m.rows.length;
          agg.addRows += m.rows.length;
          if (!agg.withResults.includes(m.artifact)) agg.withResults.push(m.artifact);
          break;
        }
        case "log": {
          let n = logCount.get(m.flowId) ?? Number(flow.totalLogs);
          for (const e of m.entries) {
            if (n >= MAX_LOGS_PER_FLOW) break;
            b.logs.push({ flowId: m.flowId, ordinal: n++, at: new Date(e.time).toISOString(), level: e.level, message: e.message, artifact: e.artifact ?? "" });
            agg.addLogs++;
          }
          logCount.set(m.flowId, n);
          break;
        }
        case "source-status": {
          const s = sourceFor(m.flowId, m.artifact);
          s.state = m.state;
          s.error = m.error ?? "";
          s.truncated = m.truncated ?? false;
          s.durationMs = Math.round(m.durationMs);
          break;
        }
        case "flow-status": {
          if (m.state === "running") agg.startedAt ??= now;
          else {
            agg.startedAt ??= flow.startedAt ? undefined : now;
            b.finals.push({ flowId: m.flowId, state: FINAL_OF[m.state], status: m.error ?? "", at: now });
            finalIn.add(m.flowId);
          }
          break;
        }
        case "upload": {
          const limit = readRequest(flow.request).maxUploadBytes;
          const data = Buffer.from(m.data, "base64");
          if (m.offset + data.length > limit) {
            deps.log.warn("upload over the flow's limit; dropped", { clientId, flowId: m.flowId, name: m.name });
            break;
          }
          await p.uploads.writePiece(tx, m.flowId, m.uploadId, m.offset, data);
          if (m.eof) {
            try {
              await p.uploads.finish(tx, m.flowId, m.uploadId, m.eof);
              b.uploads.push({ flowId: m.flowId, uploadId: m.uploadId, name: m.name, size: m.eof.size, sha256: m.eof.sha256, storedPath: "", artifact: m.artifact ?? "" });
              agg.addUploadFiles++;
              agg.addUploadBytes += m.eof.size;
            } catch (err) {
              deps.log.warn("upload rejected", { clientId, flowId: m.flowId, error: (err as Error).message });
            }
          }
          break;
        }
      }
    }
    b.flows = [...flowAgg.values()];
    b.sources = [...sourceAgg.values()];
    return b;
  }

  return {
    receive,
    drain(): Promise<void> {
      if (!running && !queue.length) return Promise.resolve();
      return new Promise<void>((resolve) => idle.push(resolve));
    },
    queued: () => queue.length,
  };
}
