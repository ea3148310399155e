// Velociraptor's client installers (vql/tools/repack.go and vql/tools/packaging): repack()
// embeds a deployment config in the agent "binary" (Talon's: the one-file agent bundle,
// engine/server/packaging/bundle.ts) and uploads it; deb_create() and rpm_create() build a .deb
// or .rpm that installs the bundle with a systemd unit. Everything built is stored in the file
// store under /packages/ (downloadable); dest_filename / directory_name also write it to the
// server's file system (FILESYSTEM_WRITE). Refusals are logged ERRORs (NULL, or no rows).
import { createHash } from "node:crypto";
import { isAbsolute, join, resolve } from "node:path";
import { arg, definePlugin, defineFunction, OrderedDict, toJsonValue, untilAborted, type Builtin, type BuiltinContext } from "../../vql";
import { OSPath } from "@/engine/vql/builtins/data/ospath";
import { embedConfig } from "@/engine/protocol/embedded-config";
import { TALON_VERSION } from "@/engine/server/version";
import { agentBundle } from "@/engine/server/packaging/bundle";
import { buildPackage } from "@/engine/server/packaging/build";
import { resolveConfig } from "@/engine/server/packaging/config";
import { defaultSpec, shellQuote, withRuntime, type PackageKind, type PackageSpec } from "@/engine/server/packaging/spec";
import { fileStoreOf, serverHost } from "./host";

const MAX_EXE = 200 * 1024 * 1024;
const FILE_ACCESSORS = new Set(["", "auto", "file"]);

class Refusal extends Error {}

function pathText(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (v instanceof OSPath) return v.String();
  return String(v);
}

/** The bundle to pack: `exe` (read with `accessor`) or the agent bundle of this server's version. */
async function readExe(ctx: BuiltinContext, a: { exe?: unknown; accessor?: string; version?: string }): Promise<string> {
  if (a.version && a.version !== TALON_VERSION) throw new Refusal(`version ${a.version}: this server builds the agent of its own version only (${TALON_VERSION})`);
  const exe = pathText(a.exe);
  if (!exe) return agentBundle();
  const host = serverHost(ctx.host);
  const accessor = a.accessor ?? "";
  if (accessor === "data") return exe;
  let chunks: AsyncIterable<Uint8Array>;
  if (accessor === "fs") {
    const local = await untilAborted(fileStoreOf(host.services).localPath(host.principal, exe), ctx.signal);
    const { createReadStream } = await import("node:fs");
    chunks = createReadStream(local, { signal: ctx.signal });
  } else {
    if (!FILE_ACCESSORS.has(accessor)) throw new Refusal(`accessor \`${accessor}\` is not available on the server (use auto, file, data or fs)`);
    if (ctx.permissions && !ctx.permissions.has("FILESYSTEM_READ")) throw new Refusal("reading the server's files needs the FILESYSTEM_READ permission");
    if (!host.system) throw new Refusal("this query has no access to the server's file system");
    const info = await host.system.fs.stat(exe);
    if (!info || info.IsDir) throw new Refusal(`Unable to open ${exe}: no such file`);
    chunks = host.system.fs.read(exe, { signal: ctx.signal });
  }
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const c of chunks) {
    ctx.signal.throwIfAborted();
    size += c.length;
    if (size > MAX_EXE) throw new Refusal("Total binary size exceeded");
    parts.push(c);
  }
  return Buffer.concat(parts).toString("utf8");
}

async function tokenFor(ctx: BuiltinContext): Promise<string> {
  const { principal, services } = serverHost(ctx.host);
  try {
    return await untilAborted(services.clients.deploymentToken(principal), ctx.signal);
  } catch (err) {
    ctx.signal.throwIfAborted();
    throw new Refusal(`the config has no Client.token and the deployment token cannot be read: ${(err as Error).message}`);
  }
}

/** Writes bytes to a path on the server's file system (FILESYSTEM_WRITE, checked by the evaluator). */
async function writeLocal(ctx: BuiltinContext, path: string, data: Uint8Array): Promise<void> {
  const writer = serverHost(ctx.host).system?.writer;
  if (!writer) throw new Refusal("this query cannot write the server's file system");
  const sink = await writer.open(path, { createDirectories: true, mode: 0o600, dirMode: 0o700 });
  try {
    await sink.write(data);
  } finally {
    await sink.close();
  }
}

function uploadDict(path: string, data: Uint8Array): OrderedDict {
  return new OrderedDict([
    ["Path", path],
    ["Size", data.length],
    ["StoredSize", data.length],
    ["sha256", createHash("sha256").update(data).digest("hex")],
    ["md5", createHash("md5").update(data).digest("hex")],
    ["Components", path.split("/").filter(Boolean)],
  ]);
}

function fail(ctx: BuiltinContext, err: unknown): null {
  ctx.signal.throwIfAborted();
  ctx.log("ERROR", `${ctx.name}: ${(err as Error)?.message ?? String(err)}`);
  return null;
}

/** A plain file name for the file store (`/packages/<name>`). */
function storeName(name: string): string {
  const base = name.split(/[\\/]/).filter(Boolean).pop() ?? "";
  const clean = base.replace(/[^A-Za-z0-9._+~-]/g, "_");
  if (!clean || clean === "." || clean === "..") throw new Refusal(`the name ${JSON.stringify(name)} is not a usable file name`);
  return clean;
}

export const repackFunction = defineFunction({
  name: "repack",
  category: "server",
  doc: "Repack and upload a repacked binary to the server. Talon's binary is the one-file agent bundle (`node <file>` runs it): the config (Client.server_urls; Client.token, filled with the deployment token when missing) is embedded after `###<Begin Embedded Config>`, zlib-compressed, as Velociraptor embeds its own. With upload_name the bundle is stored in the file store at `/packages/<upload_name>` and the upload dict {Path, Size, StoredSize, sha256, md5, Components} returned; with dest_filename it is written there and that path returned.",
  args: {
    target: arg.string().doc("The name of the target OS to repack (VelociraptorWindows, VelociraptorLinux, VelociraptorDarwin): Talon's bundle is the same file for every OS that has Node; an MSI target is an ERROR."),
    version: arg.string().doc("Velociraptor Version to repack: Talon builds its own version's agent only."),
    exe: arg.any().doc("Alternative a path to the executable to repack (an agent bundle)."),
    accessor: arg.string().doc("The accessor to use to read the file (auto, file, data or fs)."),
    binaries: arg.list(arg.string()).doc("List of tool names that will be repacked into the target (not supported by Talon: an ERROR when given)."),
    config: arg.string().required().doc("The config to be repacked in the form of a json or yaml string"),
    upload_name: arg.string().doc("The name of the upload to create"),
    dest_filename: arg.string().doc("If an upload name is not provided, the file will be written to this path"),
  },
  permissions: ["COLLECT_SERVER", "FILESYSTEM_WRITE"],
  platforms: ["server"],
  sideEffects: true,
  async run(a, ctx) {
    try {
      serverHost(ctx.host);
      if (Boolean(a.dest_filename) === Boolean(a.upload_name)) throw new Refusal("One of dest_filename or upload_name should be provided");
      if (/msi$/i.test(a.target ?? "")) throw new Refusal(`target ${a.target}: Talon does not repack MSI installers (its agent is a Node bundle; use deb_create(), rpm_create() or repack() with another target)`);
      if (a.binaries?.length) throw new Refusal("binaries: Talon's agent bundle carries no tools (the agent fetches them from the server's inventory)");
      const { yaml } = await untilAborted(resolveConfig(a.config, () => tokenFor(ctx)), ctx.signal);
      const exe = await untilAborted(readExe(ctx, a), ctx.signal);
      ctx.signal.throwIfAborted();
      ctx.log("INFO", `client_repack: Will Repack the Talon agent bundle with ${yaml.length} bytes of config`);
      const data = Buffer.from(embedConfig(exe, yaml), "utf8");
      if (a.dest_filename) {
        if (!isAbsolute(a.dest_filename)) throw new Refusal("dest_filename must be an absolute path");
        await writeLocal(ctx, a.dest_filename, data);
        return a.dest_filename;
      }
      const { principal, services } = serverHost(ctx.host);
      const stored = await untilAborted(fileStoreOf(services).put(principal, `/packages/${storeName(a.upload_name!)}`, data), ctx.signal);
      return uploadDict(stored.path, data);
    } catch (err) {
      return fail(ctx, err);
    }
  },
});

/** package_spec as a PackageSpec (Velociraptor's field names; missing parts from the default). */
function specFrom(kind: PackageKind, given: unknown): PackageSpec {
  const d = defaultSpec(kind);
  if (given === undefined || given === null) return d;
  const v = toJsonValue(given) as Partial<PackageSpec> | null;
  if (!v || typeof v !== "object") throw new Refusal("package_spec must be a dict (as show_spec=TRUE returns it)");
  const files: PackageSpec["Files"] = {};
  for (const [k, f] of Object.entries(v.Files ?? d.Files)) {
    const fs = (f ?? {}) as Record<string, unknown>;
    files[k] = { ...(typeof fs.Mode === "number" ? { Mode: fs.Mode } : {}), ...(typeof fs.Owner === "string" ? { Owner: fs.Owner } : {}), Template: typeof fs.Template === "string" ? fs.Template : "" };
  }
  const strings = (o: unknown): Record<string, string> => Object.fromEntries(Object.entries((o ?? {}) as Record<string, unknown>).map(([k, x]) => [k, String(x ?? "")]));
  return {
    Server: Boolean(v.Server),
    OutputFilenameTemplate: typeof v.OutputFilenameTemplate === "string" && v.OutputFilenameTemplate ? v.OutputFilenameTemplate : d.OutputFilenameTemplate,
    Files: files,
    Templates: v.Templates ? strings(v.Templates) : d.Templates,
    Expansion: { ...d.Expansion, ...(v.Expansion ? (v.Expansion as PackageSpec["Expansion"]) : {}) },
  };
}

function specDict(spec: PackageSpec): OrderedDict {
  const files = new OrderedDict(Object.entries(spec.Files).map(([k, f]) => [k, new OrderedDict([["Mode", f.Mode ?? 0], ["Owner", f.Owner ?? ""], ["Template", f.Template ?? ""]])]));
  return new OrderedDict([
    ["Server", spec.Server],
    ["OutputFilenameTemplate", spec.OutputFilenameTemplate],
    ["Files", files],
    ["Templates", new OrderedDict(Object.entries(spec.Templates))],
    ["Expansion", new OrderedDict(Object.entries(spec.Expansion))],
  ]);
}

function packagePlugin(kind: PackageKind) {
  const label = kind === "deb" ? "Debian" : "RPM";
  return definePlugin({
    name: `${kind}_create`,
    category: "server",
    doc: `Create a deployable ${label} package for client or server. Talon builds client packages: the one-file agent bundle with the config embedded (as repack() embeds it) at /usr/lib/talon-agent/talon-agent.mjs, a systemd unit running it with node (Restart=on-failure) and scripts enabling it; it depends on nodejs (>= 20). One row {Spec, OSPath, Filename}: the package is stored in the file store at /packages/<name> (OSPath and Filename name it there, or in directory_name when given). show_spec=TRUE yields only {Spec}, the spec package_spec takes back.`,
    args: {
      target: arg.string().doc("The name of the target OS to repack (default VelociraptorLinux): Talon's bundle is the same for every target."),
      version: arg.string().doc("Velociraptor Version to repack: Talon builds its own version's agent only."),
      release: arg.string().doc("Rpm package release version (A)"),
      server: arg.bool().default(false).doc("Build a server rpm if true, otherwise we build a client rpm (Talon builds client packages only: TRUE is an ERROR)."),
      exe: arg.any().doc("Alternative a path to the executable to repack (an agent bundle)."),
      accessor: arg.string().doc("The accessor to use to read the file (auto, file, data or fs)."),
      config: arg.string().doc("The config to be repacked in the form of a json or yaml string. If not provided we use the current config (TALON_PUBLIC_URL and the deployment token)."),
      service_user: arg.string().doc("The user to run the service as (accepted; the client service runs as root, as Velociraptor's)."),
      service_group: arg.string().doc("The group to run the service as (accepted; see service_user)."),
      show_spec: arg.bool().default(false).doc("If set we only show the spec that would have been used. You can use this to customize the input for package_spec"),
      directory_name: arg.string().doc("Package files will also be written inside this directory on the server (FILESYSTEM_WRITE). Otherwise only the file store keeps them."),
      extra_args: arg.list(arg.string()).doc("Additional command line args to be provided to the service"),
      package_spec: arg.any().doc("A Package spec to use instead of the default, for ultimate customization"),
    },
    permissions: ["COLLECT_SERVER", "FILESYSTEM_WRITE", "SERVER_ADMIN"],
    platforms: ["server"],
    sideEffects: true,
    async *run(a, ctx) {
      let row: OrderedDict | null = null;
      try {
        const { principal, services } = serverHost(ctx.host);
        if (a.server) throw new Refusal("server=TRUE: Talon builds client (agent) packages only; the server is installed from its repository");
        let spec = specFrom(kind, a.package_spec);
        if (spec.Server) throw new Refusal("package_spec has Server=TRUE: Talon builds client (agent) packages only");
        if (a.extra_args?.length) spec = { ...spec, Expansion: { ...spec.Expansion, ExtraArgs: a.extra_args.map(shellQuote).join(" ") } };
        if (a.show_spec) {
          row = new OrderedDict([["Spec", specDict(spec)]]);
        } else {
          const { yaml } = await untilAborted(resolveConfig(a.config, () => tokenFor(ctx)), ctx.signal);
          const exe = await untilAborted(readExe(ctx, a), ctx.signal);
          ctx.signal.throwIfAborted();
          const full = withRuntime(spec, kind, { release: a.release, configYaml: yaml, exe: embedConfig(exe, yaml) });
          const pkg = await buildPackage(kind, full, new Date());
          ctx.signal.throwIfAborted();
          const stored = await untilAborted(fileStoreOf(services).put(principal, `/packages/${pkg.filename}`, pkg.data), ctx.signal);
          let where = stored.path;
          if (a.directory_name) {
            if (!isAbsolute(a.directory_name)) throw new Refusal("directory_name must be an absolute directory path");
            where = join(resolve(a.directory_name), pkg.filename);
            ctx.log("DEBUG", `${ctx.name}: writing file ${where}`);
            await writeLocal(ctx, where, pkg.data);
          }
          ctx.log("INFO", `${ctx.name}: stored ${stored.path} (${pkg.data.length} bytes)`);
          const { Expansion: { ExeBytes: _exe, ConfigYaml: _config, ...expansion } } = full;
          row = new OrderedDict([
            ["Spec", specDict({ ...spec, Expansion: { ...spec.Expansion, ...expansion } })],
            ["OSPath", OSPath.parse(where, "linux")],
            ["Filename", where],
          ]);
        }
      } catch (err) {
        fail(ctx, err);
        return;
      }
      yield row;
    },
  });
}

export const debCreatePlugin = packagePlugin("deb");
export const rpmCreatePlugin = packagePlugin("rpm");

export const packageBuiltins: readonly Builtin[] = [repackFunction, debCreatePlugin, rpmCreatePlugin];
