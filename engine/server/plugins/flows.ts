// Server VQL builtins for collections: collect_client(), flows(), get_flow(), source(), cancel_flow().
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
    timeout: arg.int().min(1).doc("Seconds each source may run (default: the artifact's resources.timeout, else 600)."),
    max_rows: arg.int().min(1).doc("Rows each source may return (default: the largest of the artifacts' resources.max_rows, else 1,000,000)."),
    max_upload_bytes: arg.int().min(0).doc("Bytes the collection may upload (Talon's name for `max_bytes`)."),
    max_bytes: arg.int().min(0).doc("Bytes the collection may upload."),
    ops_per_sec: arg.float().doc("Velociraptor's query throttle; accepted, Talon's agents do not throttle collections."),
    cpu_limit: arg.float().doc("Velociraptor's CPU throttle (percent of a core); accepted, not applied."),
    iops_limit: arg.float().doc("Velociraptor's IOPS throttle; accepted, not applied."),
    urgent: arg.bool().doc("Run ahead of the collections queued on the client."),
  },
  permissions: ["COLLECT_CLIENT"],
  platforms: ["server"],
  sideEffects: true,
  async run({ client_id, artifacts, env, spec, timeout, max_rows, max_upload_bytes, max_bytes, urgent }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const parameters: Record<string, unknown> = {};
    if (spec) for (const k of spec.keys()) parameters[k] = plain(spec.get(k));
    else if (env) for (const k of env.keys()) parameters[k] = plain(env.get(k));
    const flow = await guarded(ctx, () => services.flows.collect(principal, { clientId: client_id, artifacts, parameters, timeoutSec: timeout, maxRows: max_rows, maxUploadBytes: max_bytes ?? max_upload_bytes, ...(urgent ? { urgent: true } : {}) }), null);
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

/**
 * source(notebook_id=...): a notebook cell's result table (Velociraptor's notebook mode of
 * vql/server/flows/results.go): table 1 is the cell's first SELECT; the cell defaults to the
 * NotebookCellId variable.
 */
async function* notebookRows(
  ctx: BuiltinContext,
  host: ReturnType<typeof serverHost>,
  notebookId: string,
  a: { notebook_cell_id?: string; notebook_cell_version?: string; notebook_cell_table?: number; start_row: number; limit?: number },
) {
  const cellId = a.notebook_cell_id || stringOr(await ctx.lookup("NotebookCellId"));
  if (!cellId) return void ctx.log("ERROR", "source: notebook_id needs notebook_cell_id");
  const notebooks = host.services.notebooks;
  if (!notebooks) return void ctx.log("ERROR", "source: notebooks are not available to this query");
  const nb = await guarded(ctx, () => notebooks.get(host.principal, notebookId), null);
  if (!nb) return;
  const cell = nb.cells.find((c) => c.id === cellId);
  if (!cell) return void ctx.log("ERROR", `source: notebook ${notebookId} has no cell ${cellId}`);
  if (a.notebook_cell_version && a.notebook_cell_version !== String(cell.version)) {
    return void ctx.log("ERROR", `source: cell ${cellId} keeps the results of its version ${cell.version} only`);
  }
  const table = cell.tables.find((t) => t.idx === (a.notebook_cell_table || 1) - 1);
  if (!table) return;
  let offset = a.start_row;
  let left = a.limit ?? Number.MAX_SAFE_INTEGER;
  while (left > 0) {
    ctx.signal.throwIfAborted();
    const page = await guarded(ctx, () => notebooks.rows(host.principal, notebookId, cellId, table.id, { offset, limit: Math.min(1000, left) }), null);
    if (!page) return;
    for (const r of page.rows) yield toVql(JSON.parse(r.json));
    if (page.rows.length < Math.min(1000, left)) return;
    offset += page.rows.length;
    left -= page.rows.length;
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
    summary: arg.bool().doc("Rows without the collection's request (Velociraptor: the basic summary, a bit faster)."),
  },
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async *run({ client_id, flow_id, summary }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    // Velociraptor vql/server/flows/flows.go: summary fetches flows without Request (and downloads).
    const row = (f: Parameters<typeof flowToVql>[0]) => {
      const v = flowToVql(f) as unknown as Record<string, unknown>;
      if (!summary) return toVql(v);
      const { request: _request, ...rest } = v;
      return toVql(rest);
    };
    if (flow_id) {
      const f = await guarded(ctx, () => services.flows.get(principal, client_id, flow_id), null);
      if (f) yield row(f);
      return;
    }
    for (let offset = 0; ; offset += 500) {
      ctx.signal.throwIfAborted();
      const page = await guarded(ctx, () => services.flows.list(principal, client_id, { offset, limit: 500 }), null);
      if (!page) return;
      for (const f of page.items) yield row(f);
      if (page.items.length < 500) return;
    }
  },
});

export const getFlowFunction = defineFunction({
  name: "get_flow",
  category: "server",
  doc: "One collection's details, the dict a flows() row is (session_id, state, request...), or NULL.",
  args: {
    client_id: arg.string().required().doc("The client."),
    flow_id: arg.string().required().doc("The flow."),
    summary: arg.bool().doc("Without the collection's request (Velociraptor: the basic summary, a bit faster)."),
  },
  permissions: ["COLLECT_CLIENT"],
  platforms: ["server"],
  async run({ client_id, flow_id, summary }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const f = await guarded(ctx, () => services.flows.get(principal, client_id, flow_id), null);
    if (!f) return null;
    const v = flowToVql(f) as unknown as Record<string, unknown>;
    if (!summary) return toVql(v);
    const { request: _request, ...rest } = v;
    return toVql(rest);
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
    count: arg.int().min(0).doc("Rows at most (0: all)."),
    limit: arg.int().min(0).doc("Rows at most (Talon's name for `count`)."),
    notebook_id: arg.string().doc("Read a notebook cell's result table instead (with notebook_cell_id)."),
    notebook_cell_id: arg.string().doc("The notebook cell (default: the NotebookCellId variable)."),
    notebook_cell_version: arg.string().doc("The cell version; only the version shown keeps results in Talon."),
    notebook_cell_table: arg.int().min(0).doc("Which of the cell's tables, from 1 (default 1)."),
  },
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async *run(given, ctx) {
    const host = serverHost(ctx.host);
    const { principal, services } = host;
    // Velociraptor's field is `count` (0 means all); `limit` is kept as Talon's earlier name.
    const a = { ...given, limit: given.count ? given.count : given.count === 0 ? undefined : given.limit };
    if (a.notebook_id) {
      yield* notebookRows(ctx, host, a.notebook_id, a);
      return;
    }
    let artifact = a.artifact ?? String((await ctx.lookup("ArtifactName")) ?? "");
    if (a.source) artifact = `${artifact}/${a.source}`;
    // As Velociraptor's source() takes HuntId from the scope (a hunt notebook sets it), unless
    // the call names a flow.
    const huntId = a.hunt_id ?? (a.client_id || a.flow_id ? undefined : stringOr(await ctx.lookup("HuntId")));
    if (huntId) {
      yield* huntRows(ctx, host, { huntId, artifact: artifact || undefined, startRow: a.start_row, limit: a.limit });
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

export const flowBuiltins: readonly Builtin[] = [collectClientFunction, flowsPlugin, getFlowFunction, sourcePlugin, cancelFlowFunction];
