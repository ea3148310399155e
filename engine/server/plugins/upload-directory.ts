// upload_directory() on the server, as Velociraptor's (vql/networking/upload.go with its
// FileBasedUploader): copies one file into a directory on the server's file system, at `output`
// followed by the components of `name` (default: the file's path), making directories as
// needed, and returns the upload dict {Path, Size, StoredSize, sha256, md5, Components}.
// FILESYSTEM_WRITE (declared, checked by the evaluator); reading the server's own files also
// needs FILESYSTEM_READ. A name that would leave `output` (`..`, or a symlink inside it) is
// refused; writes go through the server system's guard, so protected paths stay refused.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, realpath, utimes } from "node:fs/promises";
import { isAbsolute, join, resolve, sep } from "node:path";
import { arg, defineFunction, OrderedDict, toTimestamp, type Builtin, type BuiltinContext } from "../../vql";
import { abortable } from "../../vql";
import { fileStoreOf, serverHost } from "./host";

const FILE_ACCESSORS = new Set(["", "auto", "file"]);

/** `name`'s components as Velociraptor splits an OSPath (either slash); `.` dropped, `..` refused. */
export function nameComponents(name: string): string[] | undefined {
  const parts = name.split(/[\\/]+/).filter((c) => c !== "" && c !== ".");
  // A Windows drive or device prefix (C:, \\?\C:) becomes a plain directory name, as Velociraptor's sanitizer does.
  const out = parts.map((c) => c.replace(/:/g, "%3A"));
  if (out.some((c) => c === "..")) return undefined;
  return out;
}

function uploadError(message: string): OrderedDict {
  return new OrderedDict([
    ["Path", ""],
    ["Size", 0],
    ["Error", message],
  ]);
}

function timeArg(v: unknown): Date | undefined {
  if (v === undefined || v === null) return undefined;
  const t = toTimestamp(v);
  return t && !t.isZero() ? t.toDate() : undefined;
}

/** The source's bytes and, for files on this machine, its modification time; a string is a refusal. */
async function openSource(ctx: BuiltinContext, file: string, accessor: string): Promise<{ chunks: AsyncIterable<Uint8Array>; mtime?: Date } | string> {
  const host = serverHost(ctx.host);
  if (accessor === "data") return { chunks: (async function* () { yield new TextEncoder().encode(file); })() };
  if (accessor === "fs") {
    // Talon's file store lives in the database: file_store()'s copy on this process is read.
    const local = await fileStoreOf(host.services).localPath(host.principal, file);
    return { chunks: createReadStream(local, { signal: ctx.signal }) as AsyncIterable<Uint8Array> };
  }
  if (!FILE_ACCESSORS.has(accessor)) return `accessor \`${accessor}\` is not available on the server (use auto, file, data or fs)`;
  if (ctx.permissions && !ctx.permissions.has("FILESYSTEM_READ")) return "reading the server's files needs the FILESYSTEM_READ permission";
  if (!host.system) return "this query has no access to the server's file system";
  const info = await host.system.fs.stat(file);
  if (!info) return `Unable to open ${file}: no such file`;
  if (info.IsDir) return "";
  return { chunks: host.system.fs.read(file, { signal: ctx.signal }), mtime: info.Mtime };
}

/** The destination inside `output`, its directory made; undefined when it would leave `output`. */
async function destination(output: string, components: string[]): Promise<string | undefined> {
  const root = resolve(output);
  const target = resolve(join(root, ...components));
  if (target === root || !target.startsWith(root + sep)) return undefined;
  const dir = resolve(target, "..");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const [realRoot, realDir] = await Promise.all([realpath(root), realpath(dir)]);
  if (realDir !== realRoot && !realDir.startsWith(realRoot + sep)) return undefined;
  return target;
}

export const uploadDirectoryFunction = defineFunction({
  name: "upload_directory",
  category: "server",
  doc: "Upload a file to an upload directory. The final filename will be the output directory path followed by the filename path. Returns {Path, Size, StoredSize, sha256, md5, Components}; a name leaving the output directory is refused. Accessors: auto/file (the server's files, also needs FILESYSTEM_READ), data (`file` is the content) and fs (a file-store path, e.g. create_flow_download()'s).",
  args: {
    file: arg.string().required().doc("The file to upload"),
    name: arg.string().doc("Filename to be stored within the output directory"),
    accessor: arg.string().doc("The accessor to use"),
    output: arg.string().required().doc("An output directory to store files in."),
    mtime: arg.any().doc("Modified time to set the output file."),
    atime: arg.any().doc("Access time to set the output file."),
    ctime: arg.any().doc("Change time to set the output file (accepted; Linux cannot set it)."),
    btime: arg.any().doc("Birth time to set the output file (accepted; Linux cannot set it)."),
  },
  permissions: ["FILESYSTEM_WRITE"],
  platforms: ["server"],
  sideEffects: true,
  async run(a, ctx) {
    const fail = (message: string) => (ctx.log("ERROR", `upload_directory: ${message}`), null);
    if (!a.output || !isAbsolute(a.output)) return fail("output must be an absolute directory path");
    const host = serverHost(ctx.host);
    const writer = host.system?.writer;
    if (!writer) return fail("this query cannot write the server's file system");
    const components = nameComponents(a.name || a.file);
    if (!components?.length) return fail(`the name ${JSON.stringify(a.name || a.file)} leaves the output directory`);
    let source;
    try {
      source = await openSource(ctx, a.file, a.accessor ?? "");
    } catch (err) {
      ctx.signal.throwIfAborted();
      ctx.log("ERROR", `upload_directory: Unable to open ${a.file}: ${(err as Error).message}`);
      return uploadError((err as Error).message);
    }
    if (source === "") return null; // a directory: nothing to copy, as in Velociraptor
    if (typeof source === "string") {
      ctx.log("ERROR", `upload_directory: ${source}`);
      return uploadError(source);
    }
    try {
      const target = await destination(a.output, components);
      if (!target) return fail(`the name ${JSON.stringify(a.name || a.file)} leaves the output directory`);
      const sink = await writer.open(target, { createDirectories: true, mode: 0o600, dirMode: 0o700 });
      const md5 = createHash("md5");
      const sha256 = createHash("sha256");
      let size = 0;
      try {
        for await (const chunk of abortable(source.chunks, ctx.signal)) {
          ctx.signal.throwIfAborted();
          md5.update(chunk);
          sha256.update(chunk);
          size += chunk.length;
          await sink.write(chunk);
        }
      } finally {
        await sink.close();
      }
      const mtime = timeArg(a.mtime) ?? source.mtime;
      if (mtime) await utimes(target, timeArg(a.atime) ?? mtime, mtime).catch((err: Error) => ctx.log("WARN", `upload_directory: cannot set the file's times: ${err.message}`));
      ctx.log("INFO", `Uploaded ${target} (${size} bytes)`);
      return new OrderedDict([
        ["Path", target],
        ["Size", size],
        ["StoredSize", size],
        ["sha256", sha256.digest("hex")],
        ["md5", md5.digest("hex")],
        ["Components", components],
      ]);
    } catch (err) {
      ctx.signal.throwIfAborted();
      ctx.log("ERROR", `upload_directory: ${(err as Error).message}`);
      return uploadError((err as Error).message);
    }
  },
});

export const uploadDirectoryBuiltins: readonly Builtin[] = [uploadDirectoryFunction];
