// Server VQL builtins over the server's file store, as Velociraptor names them:
// create_flow_download() and create_hunt_download() (PREPARE_RESULTS) write a flow's or hunt's
// export zip (the archive the download routes stream) into the file store and return its path;
// file_store() copies a stored file into the data directory and returns that real path;
// file_store_delete() (SERVER_ADMIN) removes one. Refusals are logged ERRORs and NULL.
import { arg, defineFunction, type Builtin } from "../../vql";
import { guarded } from "./clients";
import { fileStoreOf, serverHost } from "./host";

/** A path argument as a string (a string, or a path value such as glob()'s OSPath). */
function pathText(v: unknown): string {
  if (typeof v === "string") return v;
  if (v && typeof v === "object" && typeof (v as { toString?: unknown }).toString === "function") return String(v);
  return "";
}

export const createFlowDownloadFunction = defineFunction({
  name: "create_flow_download",
  category: "server",
  doc: "Writes a flow's export zip (results per source as JSON lines and CSV, its log, its uploads, a manifest) into the server's file store and returns the file-store path (`/downloads/<ClientId>/<FlowId>/<name>.zip`), downloadable from the flow's page. `wait=TRUE` returns once written; otherwise at once, while it is written.",
  args: {
    client_id: arg.string().required().doc("Client ID to export."),
    flow_id: arg.string().required().doc("The flow id to export."),
    wait: arg.bool().default(false).doc("If set we wait for the download to complete before returning."),
    type: arg.string().doc("Type of download to create (deprecated, ignored)."),
    template: arg.string().doc("Report template to use (deprecated, ignored)."),
    password: arg.string().doc("Encrypting the zip is not supported: a password is an ERROR."),
    format: arg.string().doc("json, csv or csv_only; Talon's archive always holds both (accepted, no effect)."),
    expand_sparse: arg.bool().default(false).doc("Accepted; Talon stores uploads expanded."),
    name: arg.string().doc("The file's name (otherwise `<ClientId>-<FlowId>.zip`)."),
  },
  permissions: ["PREPARE_RESULTS"],
  platforms: ["server"],
  sideEffects: true,
  async run({ client_id, flow_id, wait, password, format, name }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    return guarded(ctx, () => fileStoreOf(services).createFlowDownload(principal, { clientId: client_id, flowId: flow_id, wait, name, format: format ?? "", password: password ?? "" }), null);
  },
});

export const createHuntDownloadFunction = defineFunction({
  name: "create_hunt_download",
  category: "server",
  doc: "Writes a hunt's export zip (every client's rows per source as JSON lines and CSV, their uploads, a manifest) into the server's file store and returns the file-store path (`/downloads/hunts/<HuntId>/<base><HuntId>.zip`), downloadable from the hunt's page. `wait=TRUE` returns once written.",
  args: {
    hunt_id: arg.string().required().doc("Hunt ID to export."),
    only_combined: arg.bool().default(false).doc("Accepted; Talon's hunt archive is always the combined one."),
    wait: arg.bool().default(false).doc("If set we wait for the download to complete before returning."),
    format: arg.string().doc("json or csv; Talon's archive always holds both (accepted, no effect)."),
    base: arg.string().doc("Base filename to write to (prepended to `<HuntId>.zip`)."),
    password: arg.string().doc("Encrypting the zip is not supported: a password is an ERROR."),
    expand_sparse: arg.bool().default(false).doc("Accepted; Talon stores uploads expanded."),
  },
  permissions: ["PREPARE_RESULTS"],
  platforms: ["server"],
  sideEffects: true,
  async run({ hunt_id, only_combined, wait, format, base, password }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    return guarded(ctx, () => fileStoreOf(services).createHuntDownload(principal, { huntId: hunt_id, onlyCombined: only_combined, wait, base, format: format ?? "", password: password ?? "" }), null);
  },
});

export const fileStoreFunction = defineFunction({
  name: "file_store",
  category: "server",
  doc: "The real filesystem path of a file-store path. Talon keeps the file store in the database, so this copies the file to `<data dir>/file_store/<path>` on this server process and returns that path (READ_RESULTS); NULL when there is no such (complete) file.",
  args: { path: arg.any().required().doc("A file-store path to convert.") },
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async run({ path }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    return guarded(ctx, () => fileStoreOf(services).localPath(principal, pathText(path)), null);
  },
});

export const fileStoreDeleteFunction = defineFunction({
  name: "file_store_delete",
  category: "server",
  doc: "Deletes a file from the server's file store (and its local copy). Returns the path (also when there was no such file, as Velociraptor does).",
  args: { path: arg.any().required().doc("A file-store path to remove.") },
  permissions: ["SERVER_ADMIN"],
  platforms: ["server"],
  sideEffects: true,
  async run({ path }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    return guarded(ctx, async () => (await fileStoreOf(services).remove(principal, pathText(path)), path), null);
  },
});

export const fileStoreBuiltins: readonly Builtin[] = [createFlowDownloadFunction, createHuntDownloadFunction, fileStoreFunction, fileStoreDeleteFunction];
