// Server VQL builtins for hunts, with Velociraptor's names and arguments: hunt(), hunts(),
// hunt_info(), hunt_results(), hunt_flows(), hunt_add(), hunt_update(), hunt_delete(). They
// reach the hunts service through the run's host; permission checks beyond the declared ones
// (START_HUNT to create a running hunt or to start one) are the service's.
import { arg, definePlugin, defineFunction, OrderedDict, type Builtin } from "../../vql";
import type { HuntSummary } from "@/engine/server/contracts";
import { guarded } from "./clients";
import { serverHost } from "./host";
import { toVql } from "./values";

const micros = (d: Date | null) => (d ? d.getTime() * 1000 : 0);

/** A hunt as Velociraptor's API shows it (times in µs, stats with its field names). */
export function huntToVql(h: HuntSummary): Record<string, unknown> {
  return {
    hunt_id: h.huntId,
    hunt_description: h.description,
    tags: h.tags,
    creator: h.creator,
    create_time: micros(h.createdAt),
    start_time: micros(h.startedAt),
    expires: micros(h.expiresAt),
    state: h.state,
    expired: h.expired,
    client_limit: h.clientLimit,
    client_rate: h.clientRate,
    max_error_percent: h.maxErrorPercent,
    max_total_rows: h.maxTotalRows,
    max_total_upload_bytes: h.maxTotalUploadBytes,
    stop_reason: h.stopReason,
    artifacts: h.artifacts,
    condition: { labels: { label: h.includeLabels }, excluded_labels: { label: h.excludeLabels }, os: { os: h.os }, server_condition: h.serverCondition, client_condition: h.clientCondition },
    stats: {
      total_clients_scheduled: h.stats.totalClientsScheduled,
      total_clients_checking: h.stats.checking,
      total_clients_excluded: h.stats.excluded,
      total_clients_pending: h.stats.pending,
      total_clients_running: h.stats.running,
      total_clients_with_results: h.stats.totalClientsWithResults,
      total_clients_without_results: h.stats.totalClientsWithoutResults,
      total_clients_with_errors: h.stats.totalClientsWithErrors,
      total_finished_clients: h.stats.totalFinishedClients,
      total_collected_rows: h.stats.totalCollectedRows,
      total_uploaded_bytes: h.stats.totalUploadedBytes,
      stopped: h.state === "STOPPED",
    },
  };
}

function plain(v: unknown): unknown {
  if (v instanceof OrderedDict) return Object.fromEntries(v.keys().map((k) => [k, plain(v.get(k))]));
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

export const huntFunction = defineFunction({
  name: "hunt",
  category: "server",
  doc: "Creates a hunt: the collection compiled now and run on every client that matches, at client_rate per minute, until it expires or reaches client_limit. Running at once needs START_HUNT; pause=TRUE creates it paused (COLLECT_CLIENT). Returns {HuntId, Request}.",
  args: {
    artifacts: arg.list(arg.string()).required().doc("Artifact names to collect."),
    spec: arg.dict().doc("Parameters per artifact: {Artifact: {Param: value}}."),
    description: arg.string().default("").doc("What the hunt is for."),
    tags: arg.list(arg.string()).doc("Tags shown in the hunt list."),
    expires: arg.time().doc("When the hunt stops (default: in 7 days)."),
    include_labels: arg.list(arg.string()).doc("Only clients with any of these labels."),
    exclude_labels: arg.list(arg.string()).doc("Never clients with any of these labels."),
    os: arg.string().default("ALL").doc("ALL, WINDOWS, LINUX or DARWIN."),
    server_condition: arg.string().doc("VQL run on the server for each candidate with `rows` bound to its facts (ClientId, Hostname, Fqdn, OS, Labels...); a returned row schedules the client. Never sent to the client."),
    client_condition: arg.string().doc("VQL run on each candidate client first, as a short flow (needs ANY_QUERY); its rows are the server condition's `rows` (without one, any row schedules the client). Sent to the client."),
    client_rate: arg.int().default(0).min(0).doc("Clients started per minute (0: as fast as the server allows)."),
    client_limit: arg.int().default(0).min(0).doc("Stop after this many clients (0: no limit)."),
    pause: arg.bool().default(false).doc("Create the hunt paused (start it with hunt_update(start=TRUE))."),
    timeout: arg.int().min(1).doc("Seconds each source may run on a client."),
    max_rows: arg.int().min(1).doc("Rows each source may return."),
    max_bytes: arg.int().min(0).doc("Bytes each client's collection may upload."),
    ops_per_sec: arg.float().doc("Velociraptor's query throttle; accepted, Talon's agents do not throttle collections."),
    cpu_limit: arg.float().doc("Velociraptor's CPU throttle (percent of a core); accepted, not applied."),
    iops_limit: arg.float().doc("Velociraptor's IOPS throttle; accepted, not applied."),
    max_error_percent: arg.int().default(0).min(0).max(100).doc("Talon: stop the hunt when, with at least 10 finished clients, more than this percentage of them failed (0: never)."),
    max_total_rows: arg.int().default(0).min(0).doc("Talon: stop the hunt when its clients' rows together pass this (0: no limit)."),
    max_total_upload_bytes: arg.int().default(0).min(0).doc("Talon: stop the hunt when its clients' uploads together pass this many bytes (0: no limit)."),
  },
  permissions: ["COLLECT_CLIENT"],
  platforms: ["server"],
  sideEffects: true,
  async run(a, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const parameters = a.spec ? (plain(a.spec) as Record<string, unknown>) : undefined;
    const h = await guarded(
      ctx,
      () =>
        services.hunts.create(principal, {
          artifacts: a.artifacts,
          parameters,
          description: a.description,
          tags: a.tags,
          expires: a.expires?.toDate(),
          includeLabels: a.include_labels,
          excludeLabels: a.exclude_labels,
          os: a.os.toUpperCase() as "ALL",
          serverCondition: a.server_condition,
          clientCondition: a.client_condition,
          clientRate: a.client_rate,
          clientLimit: a.client_limit,
          pause: a.pause,
          timeoutSec: a.timeout,
          maxRows: a.max_rows,
          maxUploadBytes: a.max_bytes,
          maxErrorPercent: a.max_error_percent,
          maxTotalRows: a.max_total_rows,
          maxTotalUploadBytes: a.max_total_upload_bytes,
        }),
      null,
    );
    if (!h) return null;
    const request = await guarded(ctx, () => services.hunts.request(principal, h.huntId), {});
    return new OrderedDict([
      ["HuntId", h.huntId],
      ["Request", toVql({ artifacts: h.artifacts, specs: h.parameters, timeout: Math.round(h.timeoutMs / 1000), max_rows: h.maxRows, max_upload_bytes: h.maxUploadBytes, compiled: (request as { compiled?: unknown }).compiled ?? [] })],
    ]);
  },
});

export const huntsPlugin = definePlugin({
  name: "hunts",
  category: "server",
  doc: "Hunts, newest first (or one with hunt_id), with exact stats per queue: total_clients_scheduled, _pending, _running, _with_results, _with_errors, total_finished_clients, total_collected_rows.",
  args: {
    hunt_id: arg.string().doc("Just this hunt."),
    summary: arg.bool().doc("Velociraptor's rows without the hunt's start request; Talon's rows never carry it, so they are the same."),
  },
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async *run({ hunt_id }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    if (hunt_id) {
      const h = await guarded(ctx, () => services.hunts.get(principal, hunt_id), null);
      if (h) yield toVql(huntToVql(h));
      return;
    }
    for (let offset = 0; ; offset += 200) {
      ctx.signal.throwIfAborted();
      const page = await guarded(ctx, () => services.hunts.list(principal, { offset, limit: 200 }), null);
      if (!page) return;
      for (const h of page.items) yield toVql(huntToVql(h));
      if (page.items.length < 200) return;
    }
  },
});

export const huntInfoFunction = defineFunction({
  name: "hunt_info",
  category: "server",
  doc: "One hunt as hunts() shows it, or NULL when there is no such hunt.",
  args: { hunt_id: arg.string().required().doc("The hunt.") },
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async run({ hunt_id }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const h = await guarded(ctx, () => services.hunts.get(principal, hunt_id), null);
    return h ? toVql(huntToVql(h)) : null;
  },
});

export const huntResultsPlugin = definePlugin({
  name: "hunt_results",
  category: "server",
  doc: "Every client's rows of one artifact source in a hunt, each with ClientId, FlowId and Fqdn (unless brief).",
  args: {
    hunt_id: arg.string().required().doc("The hunt."),
    artifact: arg.string().doc("Artifact name, or Artifact/Source (default: the hunt's first artifact)."),
    source: arg.string().doc("Source name within the artifact."),
    brief: arg.bool().default(false).doc("Rows as stored, without the ClientId, FlowId and Fqdn columns."),
  },
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async *run({ hunt_id, artifact, source, brief }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const rows = services.hunts.results(principal, { huntId: hunt_id, artifact, source, signal: ctx.signal });
    try {
      for await (const row of rows) {
        ctx.signal.throwIfAborted();
        const { ClientId, FlowId, Fqdn, ...rest } = row;
        yield toVql(brief ? rest : { ...rest, ClientId, FlowId, Fqdn });
      }
    } catch (err) {
      ctx.signal.throwIfAborted();
      ctx.log("ERROR", `hunt_results: ${(err as Error).message}`);
    }
  },
});

export const huntFlowsPlugin = definePlugin({
  name: "hunt_flows",
  category: "server",
  doc: "The clients of a hunt in scheduling order: HuntId, ClientId, FlowId, Fqdn and Flow (its queue state, times, rows and error).",
  args: {
    hunt_id: arg.string().required().doc("The hunt."),
    start_row: arg.int().default(0).min(0).doc("First client."),
    limit: arg.int().min(0).doc("Clients at most."),
    basic_info: arg.bool().doc("Only the ids: Flow holds just client_id and session_id (Velociraptor does not load the flows then)."),
  },
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async *run({ hunt_id, start_row, limit, basic_info }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    let left = limit ?? Number.MAX_SAFE_INTEGER;
    for (let offset = start_row; left > 0; ) {
      ctx.signal.throwIfAborted();
      const page = await guarded(ctx, () => services.hunts.clients(principal, hunt_id, { offset, limit: Math.min(500, left) }), null);
      if (!page) return;
      for (const c of page) {
        yield toVql({
          HuntId: hunt_id,
          ClientId: c.clientId,
          FlowId: c.flowId ?? "",
          Fqdn: c.fqdn,
          Flow: basic_info ? { client_id: c.clientId, session_id: c.flowId ?? "" } : { state: c.state, scheduled_time: micros(c.scheduledAt), start_time: micros(c.startedAt), finish_time: micros(c.finishedAt), total_collected_rows: c.totalRows, total_uploaded_bytes: c.totalUploadedBytes, error: c.error },
        });
      }
      left -= page.length;
      offset += page.length;
      if (page.length < 500) return;
    }
  },
});

export const huntAddFunction = defineFunction({
  name: "hunt_add",
  category: "server",
  doc: "Adds a client to a hunt by hand and starts its flow at once, whatever the hunt's conditions and state; relaunch runs it again on a client that already ran it. Returns the hunt id, or NULL when the client was already in the hunt.",
  args: {
    client_id: arg.string().required().doc("The client."),
    hunt_id: arg.string().required().doc("The hunt."),
    relaunch: arg.bool().default(false).doc("Run it again if the client already ran it."),
  },
  permissions: ["START_HUNT"],
  platforms: ["server"],
  sideEffects: true,
  async run({ client_id, hunt_id, relaunch }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const added = await guarded(ctx, () => services.hunts.addClient(principal, hunt_id, client_id, { relaunch }), false);
    return added ? hunt_id : null;
  },
});

export const huntUpdateFunction = defineFunction({
  name: "hunt_update",
  category: "server",
  doc: "Changes a hunt: stop, start (START_HUNT; clients already in it are not offered it again), description, expires, add_labels / del_labels (the hunt's own labels, shown as its tags); rerun_errors (Talon, START_HUNT) gives every client in error a new flow in the same hunt. Returns the hunt id.",
  args: {
    hunt_id: arg.string().required().doc("The hunt."),
    stop: arg.bool().default(false).doc("Stop the hunt."),
    start: arg.bool().default(false).doc("Start (or restart) the hunt."),
    description: arg.string().doc("A new description."),
    expires: arg.time().doc("A new expiry (in the future)."),
    add_labels: arg.list(arg.string()).doc("Labels (the hunt's tags) to add."),
    del_labels: arg.list(arg.string()).doc("Labels (the hunt's tags) to remove."),
    rerun_errors: arg.bool().default(false).doc("Talon: re-run the hunt on its clients in error (failed or timed out) in place, each with a new flow (START_HUNT)."),
  },
  permissions: ["COLLECT_CLIENT"],
  platforms: ["server"],
  sideEffects: true,
  async run({ hunt_id, stop, start, description, expires, add_labels, del_labels, rerun_errors }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const state = stop ? ("STOPPED" as const) : start ? ("RUNNING" as const) : undefined;
    const changes = state !== undefined || description !== undefined || expires !== undefined || Boolean(add_labels?.length || del_labels?.length);
    const h = changes || !rerun_errors ? await guarded(ctx, () => services.hunts.update(principal, hunt_id, { state, description, expires: expires?.toDate(), addTags: add_labels, delTags: del_labels }), null) : { huntId: hunt_id };
    if (!h) return null;
    if (rerun_errors) {
      const n = await guarded(ctx, () => services.hunts.rerun(principal, hunt_id, { states: ["error"] }), null);
      if (n === null) return null;
      ctx.log("INFO", `hunt_update: re-ran ${n} client(s) in error`);
    }
    return h.huntId;
  },
});

export const huntDeletePlugin = definePlugin({
  name: "hunt_delete",
  category: "server",
  doc: "Deletes a hunt and its client list (the clients' flows stay). Without really_do_it it only shows the hunt that would be deleted.",
  args: {
    hunt_id: arg.string().required().doc("The hunt."),
    really_do_it: arg.bool().default(false).doc("Delete it (otherwise a dry run)."),
    workers: arg.int().min(0).doc("Velociraptor deletes with this many workers; Talon deletes in one transaction, so it is accepted and changes nothing."),
  },
  permissions: ["DELETE_RESULTS"],
  platforms: ["server"],
  sideEffects: true,
  async *run({ hunt_id, really_do_it }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const h = await guarded(ctx, () => services.hunts.get(principal, hunt_id), null);
    if (!h) return;
    if (really_do_it) {
      const ok = await guarded(ctx, () => services.hunts.delete(principal, hunt_id).then(() => true), false);
      if (!ok) return;
    }
    yield toVql({ HuntId: h.huntId, Description: h.description, Deleted: really_do_it, Clients: h.stats.totalClientsScheduled });
  },
});

export const huntBuiltins: readonly Builtin[] = [huntFunction, huntsPlugin, huntInfoFunction, huntResultsPlugin, huntFlowsPlugin, huntAddFunction, huntUpdateFunction, huntDeletePlugin];
