// File builtins: glob(), stat(), read_file(), hash(). Velociraptor's argument names.
import { createHash } from "node:crypto";
import { arg, definePlugin, defineFunction, OrderedDict } from "../../vql";
import { abortable, untilAborted } from "../../vql";
import { agentHost } from "./host";
import { accessorProblem, fileRow } from "./values";

export const globPlugin = definePlugin({
  name: "glob",
  category: "client",
  doc: "Files matching glob patterns (`*`, `?`, `[...]`, `{a,b}`, `**` for any depth; a trailing `**` matches files too): Name, OSPath, Size, Mode (Go notation: `urwxr-xr-x` is setuid), IsDir, IsLink, Mtime, Atime, Ctime, Btime, Sys {Uid, Gid}.",
  args: {
    globs: arg.list(arg.string()).required().doc("Patterns to match; relative ones start at root."),
    root: arg.string().doc("Directory relative patterns start from (default /)."),
    accessor: arg.string().default("auto").doc("How files are read: auto or file (the local file system)."),
    nosymlink: arg.bool().default(true).doc("Do not descend into symlinked directories."),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  async *run({ globs, root, accessor, nosymlink }, ctx) {
    const problem = accessorProblem(accessor, "glob");
    if (problem) return void ctx.log("ERROR", problem);
    for await (const f of abortable(agentHost(ctx.host).system.fs.glob(globs, { root, signal: ctx.signal, followLinks: !nosymlink }), ctx.signal)) yield fileRow(f);
  },
});

export const statPlugin = definePlugin({
  name: "stat",
  category: "client",
  doc: "Information about files (without following symlinks): the same columns as glob().",
  args: {
    filename: arg.list(arg.string()).required().doc("Paths to look at."),
    accessor: arg.string().default("auto").doc("auto or file."),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  async *run({ filename, accessor }, ctx) {
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
    accessor: arg.string().default("auto").doc("auto or file; data returns filename itself."),
    offset: arg.int().default(0).min(0).doc("Where to start."),
    length: arg.int().default(4 * 1024 * 1024).min(0).doc("Bytes to read at most."),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  async run({ filename, accessor, offset, length }, ctx) {
    if (accessor === "data") return filename.slice(offset, offset + length);
    const problem = accessorProblem(accessor, "read_file");
    if (problem) {
      ctx.log("ERROR", problem);
      return null;
    }
    try {
      return (await readAll(abortable(agentHost(ctx.host).system.fs.read(filename, { offset, length, signal: ctx.signal }), ctx.signal))).toString("utf8");
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
  doc: "Hashes of a file's contents (or of `path` itself with accessor data): a dict with MD5, SHA1 and SHA256 (hex).",
  args: {
    path: arg.string().required().doc("The file to hash."),
    accessor: arg.string().default("auto").doc("auto or file; data hashes the text of `path`."),
    hashselect: arg.list(arg.string()).doc("Subset of MD5, SHA1, SHA256 to compute."),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  async run({ path, accessor, hashselect }, ctx) {
    const want = new Set((hashselect ?? ["MD5", "SHA1", "SHA256"]).map((x) => x.toUpperCase()));
    const algos = ([["MD5", "md5"], ["SHA1", "sha1"], ["SHA256", "sha256"]] as const).filter(([k]) => want.has(k));
    const hashes = algos.map(([k, a]) => [k, createHash(a)] as const);
    try {
      if (accessor === "data") for (const [, h] of hashes) h.update(path);
      else {
        const problem = accessorProblem(accessor, "hash");
        if (problem) {
          ctx.log("ERROR", problem);
          return null;
        }
        for await (const chunk of abortable(agentHost(ctx.host).system.fs.read(path, { signal: ctx.signal }), ctx.signal)) for (const [, h] of hashes) h.update(chunk);
      }
    } catch (err) {
      ctx.signal.throwIfAborted();
      ctx.log("ERROR", `hash: ${(err as Error).message}`);
      return null;
    }
    const out = new OrderedDict();
    for (const [k, h] of hashes) out.set(k, h.digest("hex"));
    return out;
  },
});
