// Server VQL builtins that delete stored data: delete_flow(), client_delete(), delete_events().
// As in Velociraptor, without really_do_it they only list what would be deleted (a dry run);
// with it the service deletes everything listed in one transaction, audited, and the same rows
// come back. delete_flow() and delete_events() rows are {Type, Data: {VFSPath, Rows}, Error}
// (the fields Velociraptor's artifacts read: Type, Data.VFSPath, Error); client_delete() rows
// are {client_id, type, vfs_path, error} as Velociraptor's are. Rows is Talon's: how many stored
// rows the item is, when it is rows.
import { arg, definePlugin, OrderedDict, type Builtin, type BuiltinContext } from "../../vql";
import type { DeletedItem } from "@/engine/server/contracts";
import { guarded } from "./clients";
import { serverHost } from "./host";

function itemRow(i: DeletedItem): OrderedDict {
  const data = new OrderedDict([["VFSPath", i.path]]);
  if (i.rows !== undefined) data.set("Rows", i.rows);
  return new OrderedDict([["Type", i.type], ["Data", data], ["Error", ""]]);
}

/** Runs the deletion (or dry run) and yields its items, unless aborted. */
async function* items(ctx: BuiltinContext, fn: () => Promise<DeletedItem[]>, row: (i: DeletedItem) => OrderedDict) {
  const list = await guarded(ctx, fn, null);
  for (const i of list ?? []) {
    ctx.signal.throwIfAborted();
    yield row(i);
  }
}

export const deleteFlowPlugin = definePlugin({
  name: "delete_flow",
  category: "server",
  doc: "Deletes a collection: its results, log, uploads and record. Without really_do_it it only lists what would be deleted. A collection still waiting or running is refused (cancel it first).",
  args: {
    flow_id: arg.string().required().doc("The flow to delete."),
    client_id: arg.string().required().doc("The client it was collected from."),
    really_do_it: arg.bool().default(false).doc("Delete it (otherwise a dry run)."),
    sync: arg.bool().doc("Velociraptor: delete before returning; Talon always does, so it is accepted and changes nothing."),
  },
  permissions: ["DELETE_RESULTS"],
  platforms: ["server"],
  sideEffects: true,
  async *run({ flow_id, client_id, really_do_it }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    yield* items(ctx, () => services.flows.delete(principal, client_id, flow_id, { really: really_do_it }), itemRow);
  },
});

export const clientDeletePlugin = definePlugin({
  name: "client_delete",
  category: "server",
  doc: "Deletes a client and everything about it: its flows (results, logs, uploads), labels, metadata, file-browser cache, event rows and logs, presence and record. Without really_do_it it only lists what would be deleted. A connected agent is disconnected; when it connects again it enrols like a new client.",
  args: {
    client_id: arg.string().required().doc("The client to delete."),
    really_do_it: arg.bool().default(false).doc("Delete it (otherwise a dry run)."),
  },
  permissions: ["DELETE_RESULTS", "SERVER_ADMIN"],
  platforms: ["server"],
  sideEffects: true,
  async *run({ client_id, really_do_it }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const row = (i: DeletedItem) => new OrderedDict([["client_id", client_id], ["type", i.type], ["vfs_path", i.path], ["error", ""]]);
    yield* items(ctx, () => services.clients.delete(principal, client_id, { really: really_do_it }), row);
  },
});

export const deleteEventsPlugin = definePlugin({
  name: "delete_events",
  category: "server",
  doc: "Deletes an event artifact's stored rows of one client (or `server` for server events) between start_time and end_time, one row per queue and UTC day. Without really_do_it it only lists what would be deleted.",
  args: {
    artifact: arg.string().required().doc("The event artifact (or Artifact/Source); an artifact also takes its sources' rows."),
    client_id: arg.string().required().doc("The client whose rows to delete, or `server` for server events."),
    start_time: arg.time().doc("Rows at or after this time (default: the epoch)."),
    end_time: arg.time().doc("Rows before this time (default: now)."),
    really_do_it: arg.bool().default(false).doc("Delete them (otherwise a dry run)."),
  },
  permissions: ["DELETE_RESULTS"],
  platforms: ["server"],
  sideEffects: true,
  async *run({ artifact, client_id, start_time, end_time, really_do_it }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const p = { artifact, clientId: client_id, start: start_time?.toDate(), end: end_time?.toDate(), really: really_do_it };
    yield* items(ctx, () => services.monitoring.deleteEvents(principal, p), itemRow);
  },
});

export const deletionBuiltins: readonly Builtin[] = [deleteFlowPlugin, clientDeletePlugin, deleteEventsPlugin];
