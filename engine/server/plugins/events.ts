// Server VQL over event queues, with Velociraptor's names and arguments: watch_monitoring()
// (live rows of a queue, never ends), monitoring() (stored rows of a queue by time),
// monitoring_logs() (log lines of an event query) and send_event() (publish a row). Queue names
// are artifact names or `Artifact/Source`; CLIENT_EVENT rows carry ClientId. Also the event side
// of source(): readEventRows() serves it when it is asked for an event artifact or a time range.
import { arg, definePlugin, defineFunction, OrderedDict, toJsonValue, type Builtin, type BuiltinContext, type Timestamp } from "../../vql";
import type { JournalEvent } from "@/engine/server/contracts";
import { guarded } from "./clients";
import { toVql } from "./values";
import { serverHost, type ServerVqlHost } from "./host";

const PAGE = 1000;

function queueName(artifact: string, source?: string): string {
  return source ? `${artifact}/${source}` : artifact;
}

/** The artifact type behind a queue name (`Artifact/Source` → Artifact), when it is known. */
export function queueType(host: ServerVqlHost, queue: string): string | undefined {
  const a = host.services.artifacts.get(queue, { exact: true }) ?? host.services.artifacts.get(queue.split("/")[0]!, { exact: true });
  return a?.type;
}

function toDate(t: Timestamp | undefined): Date | undefined {
  return t ? t.toDate() : undefined;
}

function eventRow(payload: Record<string, unknown>): OrderedDict {
  return toVql(payload) as OrderedDict;
}

/**
 * Stored rows of a queue, oldest first, from `startRow`, at most `limit`. Times compare at
 * whole seconds with both ends included, as Velociraptor compares a row's `_ts` (Unix seconds):
 * `end_time=now()` includes the rows of the current second.
 */
export async function* readEventRows(
  ctx: BuiltinContext,
  host: ServerVqlHost,
  p: { queue: string; clientId?: string; start?: Date; end?: Date; startRow: number; limit?: number },
): AsyncGenerator<OrderedDict> {
  if (!(await host.services.journal.isStored(p.queue))) {
    ctx.log("WARN", `${ctx.name}: ${p.queue} is an INTERNAL queue that is not stored; watch it live with watch_monitoring()`);
    return;
  }
  const start = p.start ? new Date(Math.floor(p.start.getTime() / 1000) * 1000) : undefined;
  const end = p.end ? new Date((Math.floor(p.end.getTime() / 1000) + 1) * 1000) : undefined;
  // The first page skips start_row; later ones continue after the last event read (keyset).
  let offset = p.startRow;
  let last: JournalEvent | undefined;
  let left = p.limit ?? Number.MAX_SAFE_INTEGER;
  while (left > 0) {
    ctx.signal.throwIfAborted();
    const n = Math.min(PAGE, left);
    const after = last;
    const page = await guarded(ctx, () => host.services.journal.history(p.queue, { clientId: p.clientId, start, end, limit: n, oldestFirst: true, ...(after ? { after } : { offset }) }), null);
    if (!page) return;
    for (const e of page) yield eventRow(e.payload);
    if (page.length < n) return;
    last = page[page.length - 1];
    offset = 0;
    left -= page.length;
  }
}

export const watchMonitoringPlugin = definePlugin({
  name: "watch_monitoring",
  category: "server",
  doc: "Rows of an event queue as they arrive (never ends): a SERVER_EVENT or CLIENT_EVENT artifact (from all clients, each row with ClientId, unless client_id is given), an INTERNAL queue, or Artifact/Source.",
  args: {
    artifact: arg.string().required().doc("The queue: an event artifact's name, or Artifact/Source."),
    client_id: arg.string().doc("Only rows about this client."),
  },
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  impure: true,
  async *run({ artifact, client_id }, ctx) {
    const host = serverHost(ctx.host);
    const stop = new AbortController();
    const signal = AbortSignal.any([ctx.signal, stop.signal]);
    try {
      const sub = host.services.journal.subscribe(artifact, { from: "now", signal, ...(client_id ? { clientId: client_id } : {}) });
      for await (const e of sub) yield eventRow(e.payload);
    } finally {
      stop.abort();
    }
  },
});

export const monitoringPlugin = definePlugin({
  name: "monitoring",
  category: "server",
  doc: "Stored rows of an event queue, oldest first: a client's CLIENT_EVENT rows (all clients when client_id is absent) or the server's SERVER_EVENT rows, between start_time and end_time.",
  args: {
    client_id: arg.string().doc("The client (`server` for server events; default: all clients for a CLIENT_EVENT queue)."),
    artifact: arg.string().required().doc("The event artifact (or Artifact/Source)."),
    source: arg.string().doc("A source of the artifact."),
    start_time: arg.time().doc("Rows at or after this time (epoch, ISO text or timestamp)."),
    end_time: arg.time().doc("Rows before this time."),
    start_row: arg.int().default(0).min(0).doc("Skip this many rows."),
  },
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async *run(a, ctx) {
    const host = serverHost(ctx.host);
    const queue = queueName(a.artifact, a.source);
    const type = queueType(host, queue);
    const clientId = a.client_id ?? (type === "SERVER_EVENT" ? "server" : undefined);
    yield* readEventRows(ctx, host, { queue, clientId, start: toDate(a.start_time), end: toDate(a.end_time), startRow: a.start_row });
  },
});

export const monitoringLogsPlugin = definePlugin({
  name: "monitoring_logs",
  category: "server",
  doc: "Log lines of an event query: a client's CLIENT_EVENT query or (client_id `server`, the default) a server event query, between start_time and end_time.",
  args: {
    client_id: arg.string().default("server").doc("The client, or `server`."),
    artifact: arg.string().required().doc("The event artifact (or Artifact/Source)."),
    source: arg.string().doc("A source of the artifact."),
    start_time: arg.time().doc("Lines at or after this time."),
    end_time: arg.time().doc("Lines before this time."),
  },
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async *run(a, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const artifact = queueName(a.artifact, a.source);
    for (let offset = 0; ; offset += PAGE) {
      ctx.signal.throwIfAborted();
      const page = await guarded(ctx, () => services.monitoring.logs(principal, { artifact, clientId: a.client_id, start: toDate(a.start_time), end: toDate(a.end_time), limit: PAGE, offset }), null);
      if (!page) return;
      for (const l of page) {
        yield new OrderedDict([
          ["client_time", l.at.getTime() / 1000],
          ["level", l.level],
          ["message", l.message],
          ["artifact", l.artifact],
          ["client_id", l.clientId],
        ]);
      }
      if (page.length < PAGE) return;
    }
  },
});

export const sendEventFunction = defineFunction({
  name: "send_event",
  category: "server",
  doc: "Publishes a row to a SERVER_EVENT or CLIENT_EVENT queue (never an INTERNAL one); watchers of the queue see it at once. Returns the row.",
  args: {
    artifact: arg.string().required().doc("The event artifact (its queue)."),
    row: arg.dict().required().doc("The row to publish."),
    client_id: arg.string().doc("For a CLIENT_EVENT queue: the client the row is about."),
  },
  permissions: [],
  platforms: ["server"],
  sideEffects: true,
  impure: true,
  async run({ artifact, row, client_id }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const plain = toJsonValue(row) as Record<string, unknown>;
    const ok = await guarded(ctx, () => services.monitoring.sendEvent(principal, { artifact, row: plain, clientId: client_id }).then(() => true), false);
    return ok ? row : null;
  },
});

export const eventBuiltins: readonly Builtin[] = [watchMonitoringPlugin, monitoringPlugin, monitoringLogsPlugin, sendEventFunction];
