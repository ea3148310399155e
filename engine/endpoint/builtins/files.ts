// File builtins: glob(), stat(), read_file(), hash(). Velociraptor's argument names.
import { createHash } from "node:crypto";
import { arg, definePlugin, defineFunction, hashedLength, hashLimit, hashResult, hashSelection } from "../../vql";
import { abortable, fromBytes, untilAborted, type BuiltinContext } from "../../vql";
import { agentHost } from "./host";
import type { FileInfo } from "./system";
import { accessorProblem, fileRow } from "./values";
import { Ext4Access, EXT4_ACCESSORS } from "./ext4/accessor";

export const globPlugin = definePlugin({
  name: "glob",
  category: "client",
  doc: "Files matching glob patterns (`*`, `?`, `[...]`, `{a,b}`, `**` for any depth; a trailing `**` matches files too): Name, OSPath, Size, Mode (Go notation: `urwxr-xr-x` is setuid), IsDir, IsLink, Mtime, Atime, Ctime, Btime, Sys {Uid, Gid}.",
  args: {
    globs: arg.list(arg.string()).required().doc("Patterns to match; relative ones start at root."),
    root: arg.string().doc("Directory relative patterns start from (default /)."),
    accessor: arg.string().default("auto").doc("How files are read: auto or file (the local file system), ext4 (the ext4 file system parsed from the raw device of the mount holding each path) or raw_ext4 (root is a pathspec whose DelegatePath is a device or image)."),
    nosymlink: arg.bool().default(true).doc("Do not descend into symlinked directories."),
    recursion_callback: arg.string().doc("A lambda deciding whether to descend into a directory, called with its row (e.g. `x => NOT x.Name =~ 'proc'`); the directory itself still matches."),
    one_filesystem: arg.bool().doc("Do not follow symlinks to directories on another file system."),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  async *run({ globs, root, accessor, nosymlink, recursion_callback, one_filesystem }, ctx) {
    if (EXT4_ACCESSORS.has(accessor)) {
      const ext4 = new Ext4Access(agentHost(ctx.host).system.fs, accessor, ctx.signal);
      const enter = recursion_callback ? async (row: Record<string, unknown>) => ctx.isTruthy(await ctx.evalLambda(recursion_callback, [row])) : undefined;
      try {
        for await (const row of abortable(ext4.glob(globs, root, enter), ctx.signal)) yield row;
      } catch (err) {
        ctx.signal.throwIfAborted();
        ctx.log("ERROR", `glob: ${(err as Error).message}`);
      }
      return;
    }
    const problem = accessorProblem(accessor, "glob");
    if (problem) return void ctx.log("ERROR", problem);
    // Velociraptor vql/filesystem/filesystem.go: the lambda gets the entry's file info and its
    // truthiness decides (glob/glob.go is_dir_or_link asks it before following a link or a directory).
    const descend = recursion_callback
      ? async (entry: FileInfo) => ctx.isTruthy(await ctx.evalLambda(recursion_callback, [fileRow(entry)]))
      : undefined;
    const opts = { root, signal: ctx.signal, followLinks: !nosymlink, descend, oneFilesystem: one_filesystem };
    for await (const f of abortable(agentHost(ctx.host).system.fs.glob(globs, opts), ctx.signal)) yield fileRow(f);
  },
});

export const statPlugin = definePlugin({
  name: "stat",
  category: "client",
  doc: "Information about files (without following symlinks): the same columns as glob().",
  args: {
    filename: arg.list(arg.string()).required().doc("Paths to look at."),
    accessor: arg.string().default("auto").doc("auto or file; ext4 or raw_ext4 parse the ext4 file system (see glob())."),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  async *run({ filename, accessor }, ctx) {
    if (EXT4_ACCESSORS.has(accessor)) {
      const ext4 = new Ext4Access(agentHost(ctx.host).system.fs, accessor, ctx.signal);
      for (const path of filename) {
        ctx.signal.throwIfAborted();
        try {
          const row = await untilAborted(ext4.stat(path), ctx.signal);
          if (row) yield row;
        } catch (err) {
          ctx.signal.throwIfAborted();
          ctx.log("ERROR", `stat: ${(err as Error).message}`);
        }
      }
      return;
    }
    const problem = accessorProblem(accessor, "stat");
    if (problem) return void ctx.log("ERROR", problem);
    for (const path of filename) {
      ctx.signal.throwIfAborted();
      const f = await untilAborted(agentHost(ctx.host).system.fs.stat(path), ctx.signal);
      if (f) yield fileRow(f);
    }
  },
});

async function readAll(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

export const readFileFunction = defineFunction({
  name: "read_file",
  category: "client",
  doc: "The contents of a file as a string (at most `length` bytes from `offset`).",
  args: {
    filename: arg.string().required().doc("The file to read."),
    accessor: arg.string().default("auto").doc("auto or file; data returns filename itself; ext4 or raw_ext4 parse the ext4 file system (see glob())."),
    offset: arg.int().default(0).min(0).doc("Where to start."),
    length: arg.int().default(4 * 1024 * 1024).min(0).doc("Bytes to read at most."),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  async run({ filename, accessor, offset, length }, ctx) {
    if (accessor === "data") return filename.slice(offset, offset + length);
    if (EXT4_ACCESSORS.has(accessor)) {
      try {
        return fromBytes(await untilAborted(new Ext4Access(agentHost(ctx.host).system.fs, accessor, ctx.signal).read(filename, offset, length), ctx.signal));
      } catch (err) {
        ctx.signal.throwIfAborted();
        ctx.log("ERROR", `read_file: ${(err as Error).message}`);
        return null;
      }
    }
    const problem = accessorProblem(accessor, "read_file");
    if (problem) {
      ctx.log("ERROR", problem);
      return null;
    }
    try {
      // The bytes as they are (Velociraptor returns a Go byte string): text when valid UTF-8.
      return fromBytes(await readAll(abortable(agentHost(ctx.host).system.fs.read(filename, { offset, length, signal: ctx.signal }), ctx.signal)));
    } catch (err) {
      ctx.signal.throwIfAborted();
      ctx.log("ERROR", `read_file: ${(err as Error).message}`);
      return null;
    }
  },
});

export const hashFunction = defineFunction({
  name: "hash",
  category: "client",
  doc: "Hashes of a file's contents (or of `path` itself with accessor data): a dict with MD5, SHA1 and SHA256 (hex; the ones `hashselect` leaves out are empty).",
  args: {
    path: arg.string().required().doc("The file to hash."),
    accessor: arg.string().default("auto").doc("auto or file; data hashes the text of `path`; ext4 or raw_ext4 parse the ext4 file system (see glob())."),
    hashselect: arg.list(arg.string()).doc("Which of md5, sha1, sha256 to compute (default all)."),
    max_size: arg.int().min(0).doc("Hash at most this many bytes (default HASH_MAX_SIZE or 100 MiB; past it, up to the last whole 64 KiB)."),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  async run({ path, accessor, hashselect, max_size }, ctx) {
    // Velociraptor vql/functions/hash.go: unknown hashselect names are an error, the fields not
    // selected are empty, and reading stops at max_size (in 64 KiB reads).
    const want = hashSelection(hashselect, ctx);
    if (!want) return null;
    const limit = await hashLimit(max_size, ctx);
    const hashes = ([["MD5", "md5"], ["SHA1", "sha1"], ["SHA256", "sha256"]] as const).filter(([k]) => want.has(k)).map(([k, a]) => [k, createHash(a)] as const);
    let size = 0;
    const feed = (chunk: Uint8Array) => {
      const room = limit - size;
      const part = room >= chunk.length ? chunk : chunk.subarray(0, Math.max(0, room));
      size += part.length;
      for (const [, h] of hashes) h.update(part);
      return part.length === chunk.length;
    };
    let whole = true;
    try {
      if (accessor === "data") whole = feed(Buffer.from(path));
      else {
        const problem = EXT4_ACCESSORS.has(accessor) ? undefined : accessorProblem(accessor, "hash");
        if (problem) {
          ctx.log("ERROR", problem);
          return null;
        }
        // Read one byte past the limit to know whether the file is larger.
        for await (const chunk of abortable(fileBytes(accessor, path, limit + 1, ctx), ctx.signal)) if (!(whole = feed(chunk))) break;
      }
    } catch (err) {
      ctx.signal.throwIfAborted();
      ctx.log("ERROR", `hash: ${(err as Error).message}`);
      return null;
    }
    if (!whole) return hashTruncated(path, accessor, accessor === "data" ? Buffer.from(path) : undefined, limit, want, ctx);
    return hashResult(Object.fromEntries(hashes.map(([k, h]) => [k, h.digest("hex")])));
  },
});

/** The first `length` bytes of a file, through the ext4 reader or the endpoint's file system. */
function fileBytes(accessor: string, path: string, length: number, ctx: BuiltinContext): AsyncIterable<Uint8Array> {
  if (EXT4_ACCESSORS.has(accessor)) return new Ext4Access(agentHost(ctx.host).system.fs, accessor, ctx.signal).chunks(path, 0, length);
  return agentHost(ctx.host).system.fs.read(path, { length, signal: ctx.signal });
}

/** A file larger than the limit: Velociraptor hashes it up to the last whole 64 KiB within the limit. */
async function hashTruncated(path: string, accessor: string, data: Buffer | undefined, limit: number, want: Set<string>, ctx: BuiltinContext) {
  ctx.log("INFO", `Hash of ${path} aborted due to exceeding size`);
  const length = hashedLength(limit + 1, limit);
  const hashes = ([["MD5", "md5"], ["SHA1", "sha1"], ["SHA256", "sha256"]] as const).filter(([k]) => want.has(k)).map(([k, a]) => [k, createHash(a)] as const);
  if (data) for (const [, h] of hashes) h.update(data.subarray(0, length));
  else if (length > 0) for await (const chunk of abortable(fileBytes(accessor, path, length, ctx), ctx.signal)) for (const [, h] of hashes) h.update(chunk);
  return hashResult(Object.fromEntries(hashes.map(([k, h]) => [k, h.digest("hex")])));
}
