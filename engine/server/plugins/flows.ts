// Server VQL builtins for collections: collect_client(), flows(), source(), cancel_flow().
import { arg, definePlugin, defineFunction, OrderedDict, toTimestamp, type Builtin, type BuiltinContext, type Timestamp } from "../../vql";
import { flowToVql } from "../mappers/flows";
import { guarded } from "./clients";
import { queueType, readEventRows } from "./events";
import { toVql } from "./values";
import { didYouMean } from "../../vql/analysis";
import { serverHost } from "./host";


export const collectClientFunction = defineFunction({
  name: "collect_client",
  category: "server",
  doc: "Starts a collection of artifacts on a client (sent at once when it is online, else when it connects); returns the request with its flow_id.",
  args: {
    client_id: arg.string().required().doc("The client to collect from."),
    artifacts: arg.list(arg.string()).required().doc("Artifact names."),
    env: arg.dict().doc("Parameter values for the artifacts."),
    spec: arg.dict().doc("Per-artifact parameters: {Artifact: {Param: value}}."),
    timeout: arg.int().default(600).min(1).doc("Seconds each source may run."),
    max_rows: arg.int().default(1_000_000).min(1).doc("Rows each source may return."),
    max_upload_bytes: arg.int().min(0).doc("Bytes the collection may upload."),
  },
  permissions: ["COLLECT_CLIENT"],
  platforms: ["server"],
  sideEffects: true,
  async run({ client_id, artifacts, env, spec, timeout, max_rows, max_upload_bytes }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const parameters: Record<string, unknown> = {};
    if (spec) for (const k of spec.keys()) parameters[k] = plain(spec.get(k));
    else if (env) for (const k of env.keys()) parameters[k] = plain(env.get(k));
    const flow = await guarded(ctx, () => services.flows.collect(principal, { clientId: client_id, artifacts, parameters, timeoutSec: timeout, maxRows: max_rows, maxUploadBytes: max_upload_bytes }), null);
    if (!flow) return null;
    return new OrderedDict([
      ["client_id", flow.clientId],
      ["flow_id", flow.flowId],
      ["request", toVql(flowToVql(flow).request)],
    ]);
  },
});

/** source(hunt_id=...): the hunt's rows of one source, paged by start_row and limit. */
async function* huntRows(ctx: BuiltinContext, host: ReturnType<typeof serverHost>, p: { huntId: string; artifact?: string; startRow: number; limit?: number }) {
  let skip = p.startRow;
  let left = p.limit ?? Number.MAX_SAFE_INTEGER;
  if (left <= 0) return;
  try {
    for await (const row of host.services.hunts.results(host.principal, { huntId: p.huntId, artifact: p.artifact, signal: ctx.signal })) {
      ctx.signal.throwIfAborted();
      if (skip > 0 && skip--) continue;
      yield toVql(row);
      if (--left <= 0) return;
    }
  } catch (err) {
    ctx.signal.throwIfAborted();
    ctx.log("ERROR", `source: ${(err as Error).message}`);
  }
}

function toTime(v: unknown): Timestamp | undefined {
  return v === undefined || v === null || v === "" ? undefined : (toTimestamp(v) ?? undefined);
}

function stringOr(v: unknown): string | undefined {
  return typeof v === "string" && v ? v : undefined;
}

function plain(v: unknown): unknown {
  if (v instanceof OrderedDict) return Object.fromEntries(v.keys().map((k) => [k, plain(v.get(k))]));
  return v;
}

export const flowsPlugin = definePlugin({
  name: "flows",
  category: "server",
  doc: "A client's collections, newest first (or one with flow_id): session_id, state, artifacts_with_results, total_collected_rows, times in µs, request.",
  args: {
    client_id: arg.string().required().doc("The client."),
    flow_id: arg.string().doc("Just this flow."),
  },
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async *run({ client_id, flow_id }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    if (flow_id) {
      const f = await guarded(ctx, () => services.flows.get(principal, client_id, flow_id), null);
      if (f) yield toVql(flowToVql(f));
      return;
    }
    for (let offset = 0; ; offset += 500) {
      ctx.signal.throwIfAborted();
      const page = await guarded(ctx, () => services.flows.list(principal, client_id, { offset, limit: 500 }), null);
      if (!page) return;
      for (const f of page.items) yield toVql(flowToVql(f));
      if (page.items.length < 500) return;
    }
  },
});

export const sourcePlugin = definePlugin({
  name: "source",
  category: "server",
  doc: "The rows a collection stored for an artifact (or `Artifact/Source`), or an event artifact's rows between start_time and end_time (a SERVER_EVENT artifact's from the server, a CLIENT_EVENT artifact's from client_id or all clients). client_id, flow_id, artifact, start_time and end_time default to the ClientId, FlowId, ArtifactName, StartTime and EndTime variables.",
  args: {
    client_id: arg.string().doc("The client (default: the ClientId variable)."),
    flow_id: arg.string().doc("The flow (default: the FlowId variable)."),
    hunt_id: arg.string().doc("A hunt: every client's rows of the artifact, as hunt_results() gives them."),
    artifact: arg.string().doc("Artifact name, or Artifact/Source (default: the ArtifactName variable)."),
    source: arg.string().doc("Source name within the artifact."),
    start_time: arg.time().doc("Event artifacts: rows at or after this time (epoch, ISO text or timestamp)."),
    end_time: arg.time().doc("Event artifacts: rows before this time."),
    start_row: arg.int().default(0).min(0).doc("First row."),
    limit: arg.int().min(0).doc("Rows at most."),
  },
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async *run(a, ctx) {
    const host = serverHost(ctx.host);
    const { principal, services } = host;
    let artifact = a.artifact ?? String((await ctx.lookup("ArtifactName")) ?? "");
    if (a.source) artifact = `${artifact}/${a.source}`;
    if (a.hunt_id) {
      yield* huntRows(ctx, host, { huntId: a.hunt_id, artifact: artifact || undefined, startRow: a.start_row, limit: a.limit });
      return;
    }
    const type = artifact ? queueType(host, artifact) : undefined;
    if (type === "CLIENT_EVENT" || type === "SERVER_EVENT" || type === "INTERNAL") {
      const start = a.start_time ?? toTime(await ctx.lookup("StartTime"));
      const end = a.end_time ?? toTime(await ctx.lookup("EndTime"));
      const given = a.client_id ?? (type === "CLIENT_EVENT" ? stringOr(await ctx.lookup("ClientId")) : undefined);
      // SERVER_EVENT rows are the server's; CLIENT_EVENT and INTERNAL rows (alerts, labels...) are about clients.
      const clientId = type === "SERVER_EVENT" ? "server" : given || undefined;
      yield* readEventRows(ctx, host, { queue: artifact, clientId, start: start?.toDate(), end: end?.toDate(), startRow: a.start_row, limit: a.limit });
      return;
    }
    const clientId = a.client_id ?? String((await ctx.lookup("ClientId")) ?? "");
    const flowId = a.flow_id ?? String((await ctx.lookup("FlowId")) ?? "");
    if (!clientId || !flowId || !artifact) {
      ctx.log("ERROR", `source: ${missingSourceArgs(host, artifact, { clientId, flowId })}`);
      return;
    }
    let offset = a.start_row;
    let left = a.limit ?? Number.MAX_SAFE_INTEGER;
    while (left > 0) {
      ctx.signal.throwIfAborted();
      const page = await guarded(ctx, () => services.flows.results(principal, { clientId, flowId, artifact, offset, limit: Math.min(1000, left) }), null);
      if (!page) return;
      for (const row of page.rows) {
        const keys = [...page.columns, ...Object.keys(row).filter((k) => !page.columns.includes(k))];
        yield new OrderedDict(keys.filter((k) => k in row).map((k) => [k, toVql(row[k])]));
      }
      if (page.rows.length < Math.min(1000, left)) return;
      offset += page.rows.length;
      left -= page.rows.length;
    }
  },
});

/** Why source() has nothing to read: an artifact the repository lacks (with the nearest name), or what is missing. */
function missingSourceArgs(host: ReturnType<typeof serverHost>, artifact: string, given: { clientId: string; flowId: string }): string {
  if (!artifact) return "needs artifact (or an ArtifactName variable), and client_id and flow_id for a collection's rows";
  const name = artifact.split("/")[0]!;
  if (!host.services.artifacts.get(name)) return `no artifact \`${name}\`${didYouMean(name, host.services.artifacts.all().map((a) => a.name))}`;
  const missing = [given.clientId ? "" : "client_id", given.flowId ? "" : "flow_id"].filter(Boolean).join(" and ");
  return `needs ${missing} to read the collection of \`${name}\` (or hunt_id for a hunt's rows)`;
}

export const cancelFlowFunction = defineFunction({
  name: "cancel_flow",
  category: "server",
  doc: "Cancels a collection that has not ended; returns {flow_id, state}.",
  args: {
    client_id: arg.string().required().doc("The client."),
    flow_id: arg.string().required().doc("The flow to cancel."),
  },
  permissions: ["COLLECT_CLIENT"],
  platforms: ["server"],
  sideEffects: true,
  async run({ client_id, flow_id }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const f = await guarded(ctx, () => services.flows.cancel(principal, client_id, flow_id), null);
    return f ? new OrderedDict([["flow_id", f.flowId], ["state", f.state]]) : null;
  },
});

export const flowBuiltins: readonly Builtin[] = [collectClientFunction, flowsPlugin, sourcePlugin, cancelFlowFunction];
