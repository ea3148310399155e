// More file builtins: stat() as a function, read_file() as a plugin (chunks of files) and
// magic() (file type from content, with magic-table.ts). Velociraptor's names and arguments.
import { arg, definePlugin, defineFunction, OrderedDict, abortable, fromBytes, untilAborted } from "@/engine/vql";
import { agentHost } from "./host";
import { identify, MAGIC_SAMPLE } from "./magic-table";
import { accessorProblem, fileRow } from "@/engine/endpoint/builtins/values";

export const statFunction = defineFunction({
  name: "stat",
  category: "client",
  doc: "Information about one file (without following symlinks) as a dict with the columns of glob(); NULL when it does not exist.",
  args: {
    filename: arg.string().required().doc("The file to look at."),
    accessor: arg.string().default("auto").doc("auto or file."),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  async run({ filename, accessor }, ctx) {
    const problem = accessorProblem(accessor, "stat");
    if (problem) {
      ctx.log("ERROR", problem);
      return null;
    }
    const f = await untilAborted(agentHost(ctx.host).system.fs.stat(filename), ctx.signal);
    return f ? new OrderedDict(Object.entries(fileRow(f))) : null;
  },
});

const MiB4 = 4 * 1024 * 1024;

export const readFilePlugin = definePlugin({
  name: "read_file",
  category: "client",
  doc: "Reads files in chunks: one row per chunk with Data (the bytes as a string), Offset and Filename.",
  args: {
    filenames: arg.list(arg.string()).required().doc("The files to read."),
    accessor: arg.string().default("auto").doc("auto or file; data reads each of `filenames` itself."),
    chunk: arg.int().default(MiB4).min(1).doc("Bytes per row (default 4 MiB)."),
    max_length: arg.int().default(MiB4).min(0).doc("Bytes read from each file at most (default 4 MiB)."),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  async *run({ filenames, accessor, chunk, max_length }, ctx) {
    if (accessor !== "data") {
      const problem = accessorProblem(accessor, "read_file");
      if (problem) return void ctx.log("ERROR", problem);
    }
    const fs = agentHost(ctx.host).system.fs;
    for (const filename of filenames) {
      const source = accessor === "data" ? [Buffer.from(filename, "utf8").subarray(0, max_length)] : abortable(fs.read(filename, { length: max_length, signal: ctx.signal }), ctx.signal);
      let offset = 0;
      let pending = Buffer.alloc(0);
      try {
        for await (const c of source) {
          pending = pending.length ? Buffer.concat([pending, Buffer.from(c)]) : Buffer.from(c);
          while (pending.length >= chunk) {
            yield { Data: fromBytes(pending.subarray(0, chunk)), Offset: offset, Filename: filename };
            offset += chunk;
            pending = pending.subarray(chunk);
          }
        }
      } catch (err) {
        ctx.signal.throwIfAborted();
        ctx.log("ERROR", `read_file: ${(err as Error).message}`);
        continue;
      }
      if (pending.length) yield { Data: fromBytes(pending), Offset: offset, Filename: filename };
    }
  },
});

export const magicFunction = defineFunction({
  name: "magic",
  category: "client",
  doc: "Identifies a file by its first bytes (a built-in table of common types, not libmagic): a description like file(1) gives (`PNG image data, 1 x 1`), or the MIME type or extension.",
  args: {
    path: arg.string().required().doc("The file to identify (its content itself with accessor data)."),
    accessor: arg.string().default("auto").doc("auto, file or data."),
    type: arg.string().default("").doc("Empty for the description, `mime` for the MIME type, `extension` for the usual extension."),
    magic: arg.string().doc("Extra libmagic rules: not supported (a warning is logged and they are ignored)."),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  async run({ path, accessor, type, magic }, ctx) {
    if (magic) ctx.log("WARN", "magic: custom magic rules are not supported; using the built-in table");
    let sample: Buffer;
    if (accessor === "data") sample = Buffer.from(path, "utf8").subarray(0, MAGIC_SAMPLE);
    else {
      const problem = accessorProblem(accessor, "magic");
      if (problem) {
        ctx.log("ERROR", problem);
        return null;
      }
      try {
        const parts: Buffer[] = [];
        for await (const c of abortable(agentHost(ctx.host).system.fs.read(path, { length: MAGIC_SAMPLE, signal: ctx.signal }), ctx.signal)) parts.push(Buffer.from(c));
        sample = Buffer.concat(parts);
      } catch (err) {
        ctx.signal.throwIfAborted();
        ctx.log("ERROR", `magic: ${(err as Error).message}`);
        return null;
      }
    }
    const r = identify(sample);
    return type === "mime" ? r.mime : type === "extension" ? r.extension : r.description;
  },
});
