// Getting the client event table to agents, on every process for the agents it holds. A
// client's table is the every-client artifacts plus those of each label group it carries,
// compiled (exports in front, parameters converted and sent as JSON, the permissions of the user
// who added each artifact) into one `event-table` message whose version is a digest of its
// content. It is sent when an agent connects running another version, when the table or an
// artifact in it changes, and when one of the agent's labels changes (Server.Internal.Label),
// so labelling a client changes what it monitors at once.
import { createHash } from "node:crypto";
import { queries } from "@/drizzle";
import { calledArtifacts, compileArtifact, resolveParameters } from "@/engine/artifacts";
import type { EventTableMessage } from "@/engine/protocol";
import { toJsonValue } from "@/engine/vql";
import {
  ARTIFACT_MODIFICATION_QUEUE,
  EVENT_TABLE_QUEUE,
  LABEL_QUEUE,
  type AccountsService,
  type AgentPresence,
  type ArtifactsService,
  type ClientEventTable,
  type EventTableEntry,
  type Journal,
  type ServiceDeps,
} from "@/engine/server/contracts";
import { createBatcher } from "../batcher";
import { readClientTable } from "./tables";

/** Rows per SELECT of an event query (it never ends: a cap per query, not per run). */
export const EVENT_QUERY_MAX_ROWS = 1_000_000_000;

/**
 * How long agents hold event rows to send them together: on PostgreSQL 400 ms (p99 lag under
 * 1 s at 10,000 events/s in bench:events); the embedded database pays per message on the
 * server's own thread, so there agents wait 1 s (6,100 rows/s against 3,300-3,900 at 400 ms).
 */
export function eventBatchWaitMs(kind: "pglite" | "postgres"): number {
  return kind === "pglite" ? 1000 : 400;
}

export interface ClientTableDeps extends ServiceDeps {
  journal: Pick<Journal, "subscribe">;
  artifacts: Pick<ArtifactsService, "get">;
  accounts: Pick<AccountsService, "principalFor">;
  presence: Pick<AgentPresence, "sendLocal" | "isLocal" | "localClientIds">;
}

type Compiled = EventTableMessage["artifacts"][number];

export function startClientTable(deps: ClientTableDeps, signal: AbortSignal) {
  const { db } = deps.database;
  /** What each local agent runs, as far as this process knows. */
  const sent = new Map<string, string>();
  type Loaded = { version: number; spec: ClientEventTable; compiled: Map<string, Compiled | undefined> };
  let table: Promise<Loaded> | undefined;
  const byLabels = new Map<string, EventTableMessage>();

  function load(): Promise<Loaded> {
    table ??= compileTable();
    table.catch(() => (table = undefined));
    return table;
  }

  async function compileTable(): Promise<Loaded> {
    const rec = await queries.getEventTable(db, "client");
    const spec = readClientTable(rec?.spec);
    const compiled = new Map<string, Compiled | undefined>();
    const users = new Map<string, string[] | undefined>();
    const compile = async (e: EventTableEntry) => {
      const key = JSON.stringify([e.artifact, e.parameters, e.addedBy]);
      if (compiled.has(key)) return;
      const a = deps.artifacts.get(e.artifact, { exact: true });
      if (!a || a.type !== "CLIENT_EVENT") {
        deps.log.warn("client event table names an artifact that is missing or not CLIENT_EVENT; skipped", { artifact: e.artifact });
        return void compiled.set(key, undefined);
      }
      if (!users.has(e.addedBy)) {
        const p = await deps.accounts.principalFor(e.addedBy);
        users.set(e.addedBy, p ? [...p.permissions] : undefined);
      }
      const permissions = users.get(e.addedBy);
      if (!permissions) {
        deps.log.warn("client event table artifact skipped: the user who added it no longer exists or is disabled", { artifact: e.artifact, user: e.addedBy });
        return void compiled.set(key, undefined);
      }
      const resolved = resolveParameters(a, e.parameters);
      if (!resolved.ok) {
        deps.log.warn("client event table artifact skipped: its parameters no longer convert", { artifact: e.artifact, error: resolved.error });
        return void compiled.set(key, undefined);
      }
      for (const warning of resolved.warnings) deps.log.warn(warning, { artifact: e.artifact });
      const env: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(resolved.env)) env[k] = toJsonValue(v);
      const c = compileArtifact(a, (n) => deps.artifacts.get(n, { exact: true }));
      const names = new Set<string>();
      const sources = c.sources.map((s, i) => {
        const name = names.has(s.resultName) ? `${s.resultName}/${i}` : s.resultName;
        names.add(name);
        return s.precondition ? { name, precondition: s.precondition, query: s.query } : { name, query: s.query };
      });
      compiled.set(key, { name: a.name, env, sources, permissions });
    };
    for (const e of spec.artifacts) await compile(e);
    for (const g of spec.labelEvents) for (const e of g.artifacts) await compile(e);
    byLabels.clear();
    return { version: rec?.version ?? 0, spec, compiled };
  }

  /** The message for a client with these labels. */
  async function messageFor(labels: string[]): Promise<EventTableMessage> {
    const t = await load();
    const lower = new Set(labels.map((l) => l.toLowerCase()));
    const groups = t.spec.labelEvents.filter((g) => lower.has(g.label.toLowerCase()));
    const cacheKey = groups.map((g) => g.label.toLowerCase()).sort().join("\u0000");
    const cached = byLabels.get(cacheKey);
    if (cached) return cached;
    const artifacts: Compiled[] = [];
    const seen = new Set<string>();
    for (const e of [...t.spec.artifacts, ...groups.flatMap((g) => g.artifacts)]) {
      const c = t.compiled.get(JSON.stringify([e.artifact, e.parameters, e.addedBy]));
      if (!c || seen.has(c.name)) continue;
      seen.add(c.name);
      artifacts.push(c);
    }
    const called = calledArtifacts(artifacts.flatMap((c) => c.sources.flatMap((s) => [s.query, s.precondition ?? ""])), (n) => deps.artifacts.get(n, { exact: true }));
    const definitions = called.map((a) => ({ name: a.name, yaml: a.raw }));
    const body = { artifacts, maxRows: EVENT_QUERY_MAX_ROWS, batchWaitMs: eventBatchWaitMs(deps.database.kind), ...(definitions.length ? { definitions } : {}) };
    const version = createHash("sha256").update(JSON.stringify(body)).digest("hex").slice(0, 20);
    const m: EventTableMessage = { type: "event-table", version, ...body };
    byLabels.set(cacheKey, m);
    return m;
  }

  // Agents connecting together share one labels query.
  const labelsOf = createBatcher<string, string[]>(
    async (ids) => {
      const m = await queries.labelsOfClients(db, [...new Set(ids)]);
      return ids.map((id) => m.get(id) ?? []);
    },
    { maxWaitMs: 10, maxItems: 2000 },
  );

  /** Sends each local client in `clientIds` its table when it runs another version. */
  async function push(clientIds: string[]) {
    const local = clientIds.filter((c) => deps.presence.isLocal(c));
    for (let i = 0; i < local.length; i += 2000) {
      const slice = local.slice(i, i + 2000);
      const labels = await Promise.all(slice.map((c) => labelsOf.add(c)));
      for (const [j, clientId] of slice.entries()) {
        const m = await messageFor(labels[j]!);
        const have = sent.get(clientId);
        if (have === m.version || (have === undefined && !m.artifacts.length)) continue;
        if (deps.presence.sendLocal(clientId, m)) sent.set(clientId, m.version);
      }
    }
  }

  function pushAll() {
    for (const id of sent.keys()) if (!deps.presence.isLocal(id)) sent.delete(id);
    return push(deps.presence.localClientIds());
  }

  // Changes: the table (kind client) or any artifact invalidate the compiled table; labels
  // re-send to the labelled client. Handled in order, a burst at a time.
  let queued: { all: boolean; clients: Set<string> } = { all: false, clients: new Set() };
  let working: Promise<void> | undefined;
  const kick = () => {
    working ??= (async () => {
      while (queued.all || queued.clients.size) {
        const q = queued;
        queued = { all: false, clients: new Set() };
        if (q.all) {
          table = undefined;
          await pushAll();
        } else await push([...q.clients]);
      }
    })()
      .catch((err) => deps.log.warn("could not send client event tables", { error: (err as Error).message }))
      .finally(() => (working = undefined));
  };
  const follow = (queue: string, on: (payload: Record<string, unknown>, clientId: string) => void) =>
    void (async () => {
      for await (const e of deps.journal.subscribe(queue, { signal })) on(e.payload, e.clientId);
    })().catch((err) => {
      if (!signal.aborted) deps.log.warn("client event tables stopped following changes", { queue, error: (err as Error).message });
    });
  follow(EVENT_TABLE_QUEUE, (p) => {
    if (p.kind !== "client") return;
    queued.all = true;
    kick();
  });
  follow(ARTIFACT_MODIFICATION_QUEUE, () => {
    queued.all = true;
    kick();
  });
  follow(LABEL_QUEUE, (p, clientId) => {
    const id = String(p.client_id ?? clientId);
    if (!deps.presence.isLocal(id)) return;
    queued.clients.add(id);
    kick();
  });

  return {
    /** Gateway: an agent connected running `version`. */
    async eventTableConnected(clientId: string, version: string | undefined) {
      if (version) sent.set(clientId, version);
      else sent.delete(clientId);
      await push([clientId]);
    },
    /** What one client runs (for its page). */
    async artifactsOf(labels: string[]) {
      const t = await load();
      const lower = new Set(labels.map((l) => l.toLowerCase()));
      return [
        ...t.spec.artifacts.map((e) => ({ ...e })),
        ...t.spec.labelEvents.filter((g) => lower.has(g.label.toLowerCase())).flatMap((g) => g.artifacts.map((e) => ({ ...e, label: g.label }))),
      ];
    },
  };
}
