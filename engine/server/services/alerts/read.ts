// Reading the inbox: entries with filters, one entry with its occurrences and activity, the
// counts for the navigation, the event rows around an alert (its source artifact's rows from
// its client in a window: a client or server event queue, or the collection's results), and
// the cells of an investigation notebook. All need READ_RESULTS.
import { queries } from "@/drizzle";
import {
  ALERTS_QUEUE,
  requirePermission,
  ServiceError,
  type AlertContext,
  type AlertDetail,
  type AlertFilter,
  type AlertId,
  type AlertsService,
  type AlertSummary,
  type FlowsService,
  type Journal,
  type Principal,
  type ServiceDeps,
} from "@/engine/server/contracts";
import { toActivity, toOccurrence, toSummary } from "./mappers";
import { vqlString, vqlTime } from "./vql-text";

export interface AlertReadDeps extends ServiceDeps {
  journal: Pick<Journal, "history" | "isStored">;
  flows: Pick<FlowsService, "results">;
}

const DEFAULT_WINDOW_S = 300;

/** Whether the alert's source rows are stored as the server's (a server query raised it). */
function serverRows(a: AlertSummary): boolean {
  return a.artifactType === "SERVER_EVENT" || a.artifactType === "SERVER" || a.artifactType === "NOTEBOOK" || a.artifactType === "QUERY";
}

export function alertReads(deps: AlertReadDeps): Omit<AlertsService, "update"> & { summary(id: AlertId): Promise<AlertSummary> } {
  const db = deps.database.db;

  async function summary(id: AlertId): Promise<AlertSummary> {
    const r = await queries.getAlert(db, id);
    if (!r) throw new ServiceError("not_found", `no alert ${id}`);
    return toSummary(r);
  }

  function windowOf(a: AlertSummary, seconds: number) {
    const w = Math.max(1, Math.min(seconds, 7 * 86400)) * 1000;
    return { start: new Date(a.firstSeen.getTime() - w), end: new Date(a.lastSeen.getTime() + w) };
  }

  function contextQuery(a: AlertSummary, start: Date, end: Date): string {
    if (a.artifactType === "CLIENT" && a.lastFlowId) {
      return `SELECT * FROM source(client_id=${vqlString(a.clientId)}, flow_id=${vqlString(a.lastFlowId)}, artifact=${vqlString(a.artifact)})`;
    }
    if (!a.artifact) return "";
    const range = `start_time=${vqlTime(start)}, end_time=${vqlTime(end)}`;
    // A server event artifact's rows are the server's; one about a client names it in ClientId.
    if (serverRows(a)) {
      const about = a.clientId === "server" ? "" : `\nWHERE ClientId = ${vqlString(a.clientId)}`;
      return `SELECT * FROM source(artifact=${vqlString(a.artifact)}, ${range})${about}`;
    }
    return `SELECT * FROM source(artifact=${vqlString(a.artifact)}, client_id=${vqlString(a.clientId)}, ${range})`;
  }

  return {
    summary,

    async list(actor: Principal, f: AlertFilter) {
      requirePermission(actor, "READ_RESULTS");
      const { rows, total } = await queries.listAlerts(db, { ...f, limit: Math.max(1, Math.min(f.limit, 1000)) });
      return { alerts: rows.map(toSummary), total };
    },

    async get(actor, id): Promise<AlertDetail> {
      requirePermission(actor, "READ_RESULTS");
      const a = await summary(id);
      const [occ, act] = await Promise.all([queries.listAlertOccurrences(db, id, 200), queries.listAlertActivity(db, id)]);
      return { ...a, occurrences: occ.map(toOccurrence), activity: act.map(toActivity) };
    },

    async counts(actor) {
      requirePermission(actor, "READ_RESULTS");
      return queries.countAlerts(db);
    },

    async context(actor, id, p = {}): Promise<AlertContext> {
      requirePermission(actor, "READ_RESULTS");
      const a = await summary(id);
      const { start, end } = windowOf(a, p.windowSeconds ?? DEFAULT_WINDOW_S);
      const limit = Math.max(1, Math.min(p.limit ?? 500, 5000));
      const query = contextQuery(a, start, end);
      let rows: Array<Record<string, unknown>> = [];
      if (a.artifactType === "CLIENT" && a.lastFlowId) {
        const r = await deps.flows.results(actor, { clientId: a.clientId, flowId: a.lastFlowId, artifact: a.artifact, limit }).catch(() => ({ rows: [] }));
        rows = r.rows;
      } else if (a.artifact && deps.journal.isStored(a.artifact)) {
        const server = serverRows(a);
        const events = await deps.journal.history(a.artifact, { clientId: server ? "server" : a.clientId, start, end, limit, oldestFirst: true });
        rows = events.map((e) => e.payload);
        if (server && a.clientId !== "server") rows = rows.filter((r) => r.ClientId === a.clientId);
      }
      return { artifact: a.artifact, clientId: a.clientId, start, end, rows, query };
    },

    async notebookCells(actor, id, p = {}) {
      requirePermission(actor, "READ_RESULTS");
      const a = await summary(id);
      const { start, end } = windowOf(a, p.windowSeconds ?? DEFAULT_WINDOW_S);
      const cells: Array<{ type: "markdown" | "vql"; text: string }> = [];
      const where = a.clientId === "server" ? "the server" : `client ${a.clientId}${a.hostname ? ` (${a.hostname})` : ""}`;
      cells.push({
        type: "markdown",
        text:
          `# Alert: ${a.name}\n\nRaised ${a.count} time${a.count === 1 ? "" : "s"} on ${where}` +
          `${a.artifact ? ` by \`${a.artifact}\`` : ""}, first ${a.firstSeen.toISOString()}, last ${a.lastSeen.toISOString()}. ` +
          `Severity ${a.severity}, status ${a.status.replace("_", " ")}.`,
      });
      cells.push({
        type: "vql",
        text:
          `/* ## The alert's raises */\nSELECT * FROM source(artifact=${vqlString(ALERTS_QUEUE)}, start_time=${vqlTime(start)}, end_time=${vqlTime(end)})\n` +
          `WHERE name = ${vqlString(a.name)} AND client_id = ${vqlString(a.clientId)}`,
      });
      const q = contextQuery(a, start, end);
      if (q) cells.push({ type: "vql", text: `/* ## Events around it */\n${q}` });
      if (a.clientId !== "server") cells.push({ type: "vql", text: `/* ## The client */\nSELECT * FROM clients(client_id=${vqlString(a.clientId)})` });
      return { title: `Alert ${a.name}${a.hostname ? ` on ${a.hostname}` : ""}`, cells };
    },
  };
}
