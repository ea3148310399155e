// Server VQL builtins of the alert inbox: alerts() lists inbox entries (READ_RESULTS) and
// alert_update() triages one (ALERT_TRIAGE): status, assignee, comment. alert() itself is
// portable (engine/vql/builtins/events/alert.ts): it runs on agents too.
import { arg, defineFunction, definePlugin, type Builtin } from "../../vql";
import { ALERT_SEVERITIES, ALERT_STATUSES, type AlertId, type AlertSummary } from "@/engine/server/contracts";
import { guarded } from "./clients";
import { serverHost } from "./host";

function row(a: AlertSummary) {
  return {
    AlertId: a.id,
    Name: a.name,
    ClientId: a.clientId,
    Hostname: a.hostname,
    Artifact: a.artifact,
    ArtifactType: a.artifactType,
    Severity: a.severity,
    Status: a.status,
    Assignee: a.assignee,
    Count: a.count,
    FirstSeen: a.firstSeen,
    LastSeen: a.lastSeen,
    EventData: a.lastEventData,
    FlowId: a.lastFlowId,
    RaisedBy: a.raisedBy,
  };
}

const listOf = (v: string | string[] | undefined) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).map((s) => String(s).toLowerCase()));

export const alertsPlugin = definePlugin({
  name: "alerts",
  category: "server",
  doc:
    "The alert inbox: alerts grouped by name, client and artifact, newest last seen first, with their count, severity, status and assignee. " +
    "Filters: `status` and `severity` (a value or a list), `client_id`, `label`, `artifact`, `search`, `since`.",
  args: {
    status: arg.any().doc("new, acknowledged, resolved or false_positive (a value or a list)."),
    severity: arg.any().doc("info, low, medium, high or critical (a value or a list)."),
    client_id: arg.string().doc("Only this client's alerts (`server` for server queries')."),
    label: arg.string().doc("Only alerts of clients with this label."),
    artifact: arg.string().doc("Only alerts raised by this artifact."),
    search: arg.string().doc("Text in the name, artifact, client, hostname or event data."),
    since: arg.time().doc("Only alerts last seen at or after this time."),
    limit: arg.int().default(1000).doc("At most this many (up to 1000)."),
  },
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async *run(a, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const status = listOf(a.status as string | string[] | undefined);
    const severity = listOf(a.severity as string | string[] | undefined);
    const bad = [...(status ?? []).filter((s) => !(ALERT_STATUSES as readonly string[]).includes(s)), ...(severity ?? []).filter((s) => !(ALERT_SEVERITIES as readonly string[]).includes(s))];
    if (bad.length) {
      ctx.log("ERROR", `alerts: unknown status or severity ${bad.map((b) => JSON.stringify(b)).join(", ")}`);
      return;
    }
    const res = await guarded(
      ctx,
      () =>
        services.alerts.list(principal, {
          status: status as never,
          severity: severity as never,
          clientId: a.client_id,
          label: a.label,
          artifact: a.artifact,
          search: a.search,
          since: a.since ? new Date(a.since.sec * 1000 + Math.floor(a.since.nsec / 1e6)) : undefined,
          limit: Math.max(1, Math.min(a.limit, 1000)),
        }),
      null,
    );
    for (const x of res?.alerts ?? []) yield row(x);
  },
});

export const alertUpdateFunction = defineFunction({
  name: "alert_update",
  category: "server",
  doc: "Triages an inbox entry (an `AlertId` from alerts()): sets its `status` (new, acknowledged, resolved, false_positive), `assignee` (a username; '' unassigns) and adds a `comment`. Returns the entry as alerts() shows it, NULL when refused.",
  args: {
    id: arg.string().required().doc("The alert's id (`A.…`)."),
    status: arg.string().doc("new, acknowledged, resolved or false_positive."),
    assignee: arg.string().doc("A username; an empty string unassigns."),
    comment: arg.string().doc("A comment to add."),
  },
  permissions: ["ALERT_TRIAGE"],
  platforms: ["server"],
  sideEffects: true,
  async run({ id, status, assignee, comment }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const r = await guarded(
      ctx,
      () => services.alerts.update(principal, id as AlertId, { status: status?.toLowerCase() as never, assignee: assignee === undefined ? undefined : assignee || null, comment }),
      null,
    );
    return r ? row(r) : null;
  },
});

export const alertBuiltins: readonly Builtin[] = [alertsPlugin, alertUpdateFunction];
