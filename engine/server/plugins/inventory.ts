// Server VQL builtins over the tool inventory, as Velociraptor names them: inventory() (every
// tool, Velociraptor's Tool fields as columns), inventory_get() (SERVER_ADMIN; the Tool_<name>_*
// variables an agent would get and the `Definition`) and inventory_add() (SERVER_ADMIN; an
// admin's definition, `file` read from the server's own host and hashed with sha256). Refusals
// are logged ERRORs and NULL.
import { arg, defineFunction, definePlugin, OrderedDict, type Builtin, type BuiltinContext } from "../../vql";
import { MAX_TOOL_BYTES, type InventoryTool, type VqlServices } from "@/engine/server/contracts";
import { guarded } from "./clients";
import { serverHost } from "./host";

/** At most this many bytes are read for inventory_add(file=...): a tool is stored in one database row. */
export { MAX_TOOL_BYTES };

function toolsOf(services: VqlServices): NonNullable<VqlServices["tools"]> {
  if (!services.tools) throw new Error("inventory builtins need the tools service, which this query was not given");
  return services.tools;
}

/** Velociraptor's Tool message as a row (its JSON field names). */
export function toolRow(t: InventoryTool): OrderedDict {
  return new OrderedDict([
    ["name", t.name],
    ["url", t.url],
    ["github_project", t.githubProject],
    ["github_asset_regex", t.githubAssetRegex],
    ["serve_locally", t.serveLocally],
    ["admin_override", t.adminOverride],
    ["expected_hash", t.expectedHash],
    ["version", t.version],
    ["artifact", t.artifact],
    ["filestore_path", t.filestorePath],
    ["serve_url", t.serveUrl],
    ["serve_urls", t.serveUrl ? [t.serveUrl] : []],
    ["filename", t.filename],
    ["hash", t.hash],
  ]);
}

export const inventoryPlugin = definePlugin({
  name: "inventory",
  category: "server",
  doc: "Retrieve the tools inventory: one row per tool (and version) the server knows, from artifacts' `tools:` sections or inventory_add(), with Velociraptor's Tool fields (name, url, github_project, github_asset_regex, serve_locally, admin_override, expected_hash, version, artifact, filestore_path, serve_url, serve_urls, filename, hash).",
  args: {},
  // Velociraptor's inventory() declares none; the descriptor lint wants one, and every role has READ_RESULTS.
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async *run(_args, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const all = await guarded(ctx, () => toolsOf(services).list(principal), null);
    if (!all) return;
    for (const t of all) {
      ctx.signal.throwIfAborted();
      yield toolRow(t);
    }
  },
});

export const inventoryGetFunction = defineFunction({
  name: "inventory_get",
  category: "server",
  doc: "Get tool info from inventory service: a dict of the variables a collection gives the agent (`Tool_<name>_HASH`, `Tool_<name>_FILENAME`, `Tool_<name>_URL`, `Tool_<name>_URLs`, a JSON list) and `Definition` (the tool's fields as inventory() shows them). Without `probe`, a tool agents could not be given (served locally without a file, no url) is an ERROR; the server never downloads a tool.",
  args: {
    tool: arg.string().required().doc("The tool's name."),
    version: arg.string().doc("The version wanted (default the highest known)."),
    probe: arg.bool().default(false).doc("If specified we only probe the tool definition without materializing"),
  },
  permissions: ["SERVER_ADMIN"],
  platforms: ["server"],
  async run({ tool, version, probe }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const t = await guarded(ctx, () => toolsOf(services).get(principal, { tool, version, probe }), null);
    if (!t) return null;
    const p = `Tool_${t.name}_`;
    return new OrderedDict([
      [`${p}HASH`, t.hash],
      [`${p}FILENAME`, t.filename],
      [`${p}URL`, t.serveUrl],
      [`${p}URLs`, JSON.stringify(t.serveUrl ? [t.serveUrl] : [])],
      ["Definition", toolRow(t)],
    ]);
  },
});

/** A path argument as a string (a string, or a path value such as glob()'s OSPath). */
function pathText(v: unknown): string {
  if (typeof v === "string") return v;
  if (v && typeof v === "object") return String(v);
  return "";
}

/** The file's bytes: `data` (the argument itself) or the server host's file system (FILESYSTEM_READ). */
async function readToolFile(ctx: BuiltinContext, file: string, accessor: string): Promise<Uint8Array> {
  if (accessor === "data") return new TextEncoder().encode(file);
  if (!["", "auto", "file"].includes(accessor)) throw new Error(`accessor \`${accessor}\` is not available on the server (use auto, file or data)`);
  if (ctx.permissions && !ctx.permissions.has("FILESYSTEM_READ")) throw new Error("reading a file on the server needs the FILESYSTEM_READ permission");
  const system = serverHost(ctx.host).system;
  if (!system) throw new Error("this query has no access to the server's file system");
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const c of system.fs.read(file, { signal: ctx.signal })) {
    size += c.length;
    if (size > MAX_TOOL_BYTES) throw new Error(`${file} is larger than ${MAX_TOOL_BYTES} bytes, the most a tool may be`);
    chunks.push(c);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The last part of a path, as the tool's file name on the endpoint. */
function baseName(path: string): string {
  return path.split(/[/\\]/).filter(Boolean).pop() ?? "";
}

export const inventoryAddFunction = defineFunction({
  name: "inventory_add",
  category: "server",
  doc: "Add tool to ThirdParty inventory, as an admin override (artifact definitions no longer replace it). With `file`, the file's bytes (read on the server with `accessor`, or `accessor='data'` for the argument itself) are stored, their sha256 is the hash and the tool is served locally to agents from the server; otherwise agents are given `url` (and `hash`). Returns the tool's definition.",
  args: {
    tool: arg.string().required().doc("The tool's name."),
    serve_locally: arg.bool().default(false).doc("Agents fetch the tool from the server (it needs a `file`) rather than from `url`."),
    url: arg.string().doc("Where agents fetch the tool when it is not served locally."),
    hash: arg.string().doc("The tool's sha256 (hex); computed when `file` is given."),
    filename: arg.string().doc("The name of the file on the endpoint"),
    version: arg.string().doc("The tool's version."),
    file: arg.any().doc("An optional file to upload"),
    accessor: arg.string().default("auto").doc("The accessor to use to read the file."),
  },
  permissions: ["SERVER_ADMIN"],
  platforms: ["server"],
  sideEffects: true,
  async run({ tool, serve_locally, url, hash, filename, version, file, accessor }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const path = file === undefined || file === null ? "" : pathText(file);
    const t = await guarded(
      ctx,
      async () => {
        const data = path ? await readToolFile(ctx, path, accessor) : undefined;
        const name = filename || (path && accessor !== "data" ? baseName(path) : undefined);
        return toolsOf(services).add(principal, { tool, serveLocally: serve_locally, url, hash, filename: name, version, data });
      },
      null,
    );
    return t ? toolRow(t) : null;
  },
});

export const inventoryBuiltins: readonly Builtin[] = [inventoryPlugin, inventoryGetFunction, inventoryAddFunction];
