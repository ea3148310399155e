// Reading and changing the two event tables. A change is checked (each artifact exists, has the
// table's type, its parameters convert, and the actor holds what the artifact requires), stored
// with a new version, audited, and announced on Server.Internal.EventTableChange in the same
// transaction, so every process (the one running the server table, those holding agents) reloads.
import { queries } from "@/drizzle";
import { resolveParameters, type Artifact } from "@/engine/artifacts";
import {
  EVENT_TABLE_QUEUE,
  requirePermission,
  ServiceError,
  type ArtifactsService,
  type AuditService,
  type ClientEventTable,
  type EventTableChange,
  type EventTableEntry,
  type EventTableKind,
  type EventTableView,
  type Journal,
  type Principal,
  type ServerEventTable,
  type ServiceDeps,
} from "@/engine/server/contracts";

export interface TablesDeps extends ServiceDeps {
  audit: AuditService;
  journal: Pick<Journal, "append">;
  artifacts: Pick<ArtifactsService, "get">;
}

const EMPTY_SERVER: ServerEventTable = { artifacts: [] };
const EMPTY_CLIENT: ClientEventTable = { artifacts: [], labelEvents: [] };
const MAX_ARTIFACTS = 200;

export function readServerTable(spec: Record<string, unknown> | undefined): ServerEventTable {
  const s = spec as Partial<ServerEventTable> | undefined;
  return { artifacts: Array.isArray(s?.artifacts) ? s.artifacts : [] };
}

export function readClientTable(spec: Record<string, unknown> | undefined): ClientEventTable {
  const s = spec as Partial<ClientEventTable> | undefined;
  return { artifacts: Array.isArray(s?.artifacts) ? s.artifacts : [], labelEvents: Array.isArray(s?.labelEvents) ? s.labelEvents : [] };
}

export function startTables(deps: TablesDeps) {
  const { db } = deps.database;

  async function view<T>(kind: EventTableKind, read: (s: Record<string, unknown> | undefined) => T): Promise<EventTableView<T>> {
    const r = await queries.getEventTable(db, kind);
    return r ? { table: read(r.spec), version: r.version, updatedBy: r.updatedBy, updatedAt: r.updatedAt } : { table: read(undefined), version: 0, updatedBy: "" };
  }

  /** Checks one artifact for a table and returns its entry. */
  function entry(actor: Principal, kind: EventTableKind, c: EventTableChange, previous?: EventTableEntry): EventTableEntry {
    const type = kind === "server" ? "SERVER_EVENT" : "CLIENT_EVENT";
    const name = String(c.artifact ?? "").trim();
    const a: Artifact | undefined = deps.artifacts.get(name, { exact: true }) ?? deps.artifacts.get(name);
    if (!a) throw new ServiceError("not_found", `no artifact named ${name}`);
    if (a.type !== type) throw new ServiceError("bad_request", `${a.name} is a ${a.type} artifact; the ${kind} event table runs only ${type} artifacts`);
    if (!a.sources.some((s) => s.query)) throw new ServiceError("bad_request", `${a.name} has no query to run`);
    // A client event artifact's implied_permissions are what it does on every endpoint.
    for (const perm of [...a.requiredPermissions, ...(kind === "client" ? a.impliedPermissions : [])]) {
      if (!actor.permissions.has(perm as never)) throw new ServiceError("forbidden", `adding ${a.name} needs the ${perm} permission`);
    }
    const parameters: Record<string, string> = {};
    for (const [k, v] of Object.entries(c.parameters ?? {})) if (v !== undefined && v !== null) parameters[k] = typeof v === "string" ? v : JSON.stringify(v);
    const resolved = resolveParameters(a, parameters);
    if (!resolved.ok) throw new ServiceError("bad_request", resolved.error);
    const same = previous && previous.artifact === a.name && JSON.stringify(previous.parameters) === JSON.stringify(parameters);
    return same ? previous : { artifact: a.name, parameters, addedBy: actor.username, addedAt: deps.clock.now().toISOString() };
  }

  function entries(actor: Principal, kind: EventTableKind, changes: EventTableChange[], previous: EventTableEntry[]): EventTableEntry[] {
    if (changes.length > MAX_ARTIFACTS) throw new ServiceError("bad_request", `an event table holds at most ${MAX_ARTIFACTS} artifacts`);
    const out = new Map<string, EventTableEntry>();
    for (const c of changes) {
      const e = entry(actor, kind, c, previous.find((p) => p.artifact === c.artifact));
      out.set(e.artifact, e);
    }
    return [...out.values()];
  }

  async function store<T extends object>(actor: Principal, kind: EventTableKind, table: T, audit: Record<string, unknown>): Promise<EventTableView<T>> {
    const r = await queries.inTransaction(db, async (tx) => {
      const rec = await queries.putEventTable(tx, { kind, spec: table as Record<string, unknown>, by: actor.username, at: deps.clock.now() });
      await deps.journal.append(EVENT_TABLE_QUEUE, [{ kind, version: rec.version, principal: actor.username }], { tx });
      return rec;
    });
    await deps.audit.record(actor, kind === "server" ? "SetServerMonitoringState" : "SetClientMonitoringState", { ...audit, version: r.version });
    return { table, version: r.version, updatedBy: r.updatedBy, updatedAt: r.updatedAt };
  }

  const serverView = () => view("server", readServerTable);
  const clientView = () => view("client", readClientTable);
  const sameLabel = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

  return {
    serverView,
    clientView,

    async serverTable(actor: Principal) {
      requirePermission(actor, "READ_RESULTS");
      return serverView();
    },

    async setServerTable(actor: Principal, changes: EventTableChange[]) {
      requirePermission(actor, "COLLECT_SERVER");
      const cur = await serverView();
      const table: ServerEventTable = { artifacts: entries(actor, "server", changes, cur.table.artifacts) };
      return store(actor, "server", table, { artifacts: table.artifacts.map((a) => a.artifact) });
    },

    async addServerArtifact(actor: Principal, c: EventTableChange) {
      requirePermission(actor, "COLLECT_SERVER");
      const cur = await serverView();
      const e = entry(actor, "server", c, cur.table.artifacts.find((a) => a.artifact === c.artifact));
      const table: ServerEventTable = { artifacts: [...cur.table.artifacts.filter((a) => a.artifact !== e.artifact), e] };
      return store(actor, "server", table, { added: e.artifact, parameters: Object.keys(e.parameters) });
    },

    async removeServerArtifact(actor: Principal, artifact: string) {
      requirePermission(actor, "COLLECT_SERVER");
      const cur = await serverView();
      if (!cur.table.artifacts.some((a) => a.artifact === artifact)) throw new ServiceError("not_found", `${artifact} is not in the server event table`);
      return store(actor, "server", { artifacts: cur.table.artifacts.filter((a) => a.artifact !== artifact) }, { removed: artifact });
    },

    async clientTable(actor: Principal) {
      requirePermission(actor, "READ_RESULTS");
      return clientView();
    },

    async setClientTable(actor: Principal, t: { artifacts: EventTableChange[]; labelEvents: Array<{ label: string; artifacts: EventTableChange[] }> }) {
      requirePermission(actor, "COLLECT_CLIENT");
      const cur = await clientView();
      const groups = new Map<string, { label: string; artifacts: EventTableEntry[] }>();
      for (const g of t.labelEvents) {
        const label = String(g.label ?? "").trim();
        if (!label) throw new ServiceError("bad_request", "a label group needs a label");
        const prev = cur.table.labelEvents.find((x) => sameLabel(x.label, label))?.artifacts ?? [];
        const list = entries(actor, "client", g.artifacts, prev);
        if (list.length) groups.set(label.toLowerCase(), { label, artifacts: list });
      }
      const table: ClientEventTable = { artifacts: entries(actor, "client", t.artifacts, cur.table.artifacts), labelEvents: [...groups.values()] };
      return store(actor, "client", table, { artifacts: table.artifacts.map((a) => a.artifact), labels: table.labelEvents.map((g) => g.label) });
    },

    async addClientArtifact(actor: Principal, c: EventTableChange & { label?: string }) {
      requirePermission(actor, "COLLECT_CLIENT");
      const cur = await clientView();
      const label = c.label?.trim();
      const table: ClientEventTable = { artifacts: [...cur.table.artifacts], labelEvents: cur.table.labelEvents.map((g) => ({ ...g, artifacts: [...g.artifacts] })) };
      let group: { label: string; artifacts: EventTableEntry[] } | undefined;
      if (label) {
        group = table.labelEvents.find((g) => sameLabel(g.label, label));
        if (!group) table.labelEvents.push((group = { label, artifacts: [] }));
      }
      const list = group ? group.artifacts : table.artifacts;
      const e = entry(actor, "client", c, list.find((a) => a.artifact === c.artifact));
      const i = list.findIndex((a) => a.artifact === e.artifact);
      if (i >= 0) list[i] = e;
      else list.push(e);
      return store(actor, "client", table, { added: e.artifact, label: label ?? "", parameters: Object.keys(e.parameters) });
    },

    async removeClientArtifact(actor: Principal, p: { artifact: string; label?: string }) {
      requirePermission(actor, "COLLECT_CLIENT");
      const cur = await clientView();
      const label = p.label?.trim();
      let found = false;
      const drop = (list: EventTableEntry[]) =>
        list.filter((a) => {
          const hit = a.artifact === p.artifact;
          found ||= hit;
          return !hit;
        });
      const table: ClientEventTable = label
        ? { artifacts: cur.table.artifacts, labelEvents: cur.table.labelEvents.map((g) => (sameLabel(g.label, label) ? { ...g, artifacts: drop(g.artifacts) } : g)).filter((g) => g.artifacts.length) }
        : { artifacts: drop(cur.table.artifacts), labelEvents: cur.table.labelEvents };
      if (!found) throw new ServiceError("not_found", `${p.artifact} is not in the client event table${label ? ` for label ${label}` : ""}`);
      return store(actor, "client", table, { removed: p.artifact, label: label ?? "" });
    },
  };
}

export { EMPTY_CLIENT, EMPTY_SERVER };
