// FILESYSTEM_WRITE builtins: tempfile(), tempdir(), copy(), rm(), write_csv(), write_jsonl().
// Velociraptor's names and arguments. Temp files and directories are removed when the query
// ends (its run signal aborts), whatever remove_last says.
import { randomBytes } from "node:crypto";
import { arg, definePlugin, defineFunction, isDictLike, OrderedDict, toJsonText, toJsonValue, abortable, untilAborted, bytesOf, type BuiltinContext } from "@/engine/vql";
import { agentHost } from "./host";
import type { EndpointWriter, FileSink } from "@/engine/endpoint/builtins/system";
import { accessorProblem } from "@/engine/endpoint/builtins/values";

const TEMP = Symbol("agent temp paths");

/** The endpoint's writer, or undefined with an error logged. */
export function writerOf(ctx: BuiltinContext): EndpointWriter | undefined {
  const w = agentHost(ctx.host).system.writer;
  if (!w) ctx.log("ERROR", `${ctx.name}: this endpoint cannot write files`);
  return w;
}

/** Remembers a temp path of this run; all are removed (recursively) when the run ends. */
function removeAtEnd(ctx: BuiltinContext, writer: EndpointWriter, path: string): void {
  const paths = ctx.runShared(TEMP, () => {
    const set = new Set<string>();
    const removeAll = () => {
      for (const p of set) void writer.remove(p, { recursive: true }).catch(() => {});
    };
    if (ctx.signal.aborted) queueMicrotask(removeAll);
    else ctx.signal.addEventListener("abort", removeAll, { once: true });
    return set;
  });
  paths.add(path);
}

/**
 * Permission bits from Velociraptor's notations: octal (`0755`, `644`), `rwxr-x---` (9
 * characters, an optional leading type character) or `x` (executable by the owner: 0700).
 */
export function parsePermissions(s: string | undefined): number | undefined {
  if (!s) return undefined;
  if (s === "x") return 0o700;
  if (/^0?[0-7]{3,4}$/.test(s)) return parseInt(s, 8) & 0o7777;
  const rwx = s.length === 10 ? s.slice(1) : s;
  if (/^[r-][w-][xsS-][r-][w-][xsS-][r-][w-][xtT-]$/.test(rwx)) {
    let mode = 0;
    for (let i = 0; i < 9; i++) if (rwx[i] !== "-" && rwx[i] !== "S" && rwx[i] !== "T") mode |= 1 << (8 - i);
    return mode;
  }
  throw new Error(`permissions "${s}" are neither octal (0755) nor rwx notation (rw-r--r--)`);
}

async function writeAll(sink: FileSink, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array | string>, signal: AbortSignal): Promise<number> {
  let n = 0;
  try {
    for await (const c of chunks) {
      signal.throwIfAborted();
      await untilAborted(sink.write(c), signal);
      n += typeof c === "string" ? Buffer.byteLength(c) : c.length;
    }
  } finally {
    await sink.close();
  }
  return n;
}

export const tempfileFunction = defineFunction({
  name: "tempfile",
  category: "client",
  doc: "Creates a temporary file holding `data` and returns its path; it is removed when the query ends.",
  args: {
    data: arg.list(arg.bytes()).doc("Strings (text or bytes, written exactly) written to the file, one after the other."),
    extension: arg.string().default("").doc("An extension for the file's name (`.ps1`)."),
    permissions: arg.string().doc("`x` makes the file executable by its owner (0700); octal or rwx notation also work."),
    remove_last: arg.bool().doc("Accepted for compatibility: temp files are always removed when the query ends."),
  },
  permissions: ["FILESYSTEM_WRITE"],
  platforms: ["client"],
  async run({ data, extension, permissions }, ctx) {
    const w = writerOf(ctx);
    if (!w) return null;
    try {
      const dir = w.tempDir().replace(/\/$/, "");
      const path = `${dir}/tmp${randomBytes(6).toString("hex")}${extension}`;
      // Opened after the query ended: closed and removed at once, as the query's end would have.
      const lateFile = async (late: FileSink) => {
        await late.close();
        await w.remove(path, { recursive: true });
      };
      const sink = await untilAborted(w.open(path, { exclusive: true, mode: parsePermissions(permissions) ?? 0o600 }), ctx.signal, lateFile);
      removeAtEnd(ctx, w, path);
      await writeAll(sink, (data ?? []).map((d) => (typeof d === "string" ? d : bytesOf(d))), ctx.signal);
      return path;
    } catch (err) {
      ctx.signal.throwIfAborted();
      ctx.log("ERROR", `tempfile: ${(err as Error).message}`);
      return null;
    }
  },
});

export const tempdirFunction = defineFunction({
  name: "tempdir",
  category: "client",
  doc: "Creates a temporary directory and returns its path; it is removed with its contents when the query ends.",
  args: {
    remove_last: arg.bool().doc("Accepted for compatibility: temp directories are always removed when the query ends."),
  },
  permissions: ["FILESYSTEM_WRITE"],
  platforms: ["client"],
  async run(_args, ctx) {
    const w = writerOf(ctx);
    if (!w) return null;
    try {
      const path = await untilAborted(w.mkdtemp(), ctx.signal);
      removeAtEnd(ctx, w, path);
      return path;
    } catch (err) {
      ctx.signal.throwIfAborted();
      ctx.log("ERROR", `tempdir: ${(err as Error).message}`);
      return null;
    }
  },
});

export const copyFunction = defineFunction({
  name: "copy",
  category: "client",
  doc: "Copies a file (with accessor `data`, writes `filename` itself) to `dest` and returns `dest`; NULL with an error logged on failure.",
  args: {
    filename: arg.string().required().doc("The file to copy from (the content itself with accessor data)."),
    accessor: arg.string().default("auto").doc("auto, file or data."),
    dest: arg.string().required().doc("The destination file to write."),
    permissions: arg.string().doc("Permissions of the destination (`rw-rw-r--` or `0755`)."),
    dir_permissions: arg.string().doc("Permissions of directories created with create_directories (default 0755)."),
    append: arg.bool().default(false).doc("Append to dest instead of truncating it."),
    create_directories: arg.bool().default(false).doc("Make dest's missing parent directories."),
  },
  permissions: ["FILESYSTEM_WRITE", "FILESYSTEM_READ"],
  platforms: ["client"],
  async run({ filename, accessor, dest, permissions, dir_permissions, append, create_directories }, ctx) {
    if (accessor !== "data") {
      const problem = accessorProblem(accessor, "copy");
      if (problem) {
        ctx.log("ERROR", problem);
        return null;
      }
    }
    const w = writerOf(ctx);
    if (!w) return null;
    const system = agentHost(ctx.host).system;
    try {
      const mode = parsePermissions(permissions);
      const dirMode = parsePermissions(dir_permissions);
      const sink = await untilAborted(w.open(dest, { append, mode, createDirectories: create_directories, dirMode }), ctx.signal, (late) => late.close());
      const source = accessor === "data" ? [Buffer.from(filename, "utf8")] : abortable(system.fs.read(filename, { signal: ctx.signal }), ctx.signal);
      await writeAll(sink, source, ctx.signal);
      return dest;
    } catch (err) {
      ctx.signal.throwIfAborted();
      ctx.log("ERROR", `copy: ${(err as Error).message}`);
      return null;
    }
  },
});

export const rmFunction = defineFunction({
  name: "rm",
  category: "client",
  doc: "Removes a file (or an empty directory): TRUE when removed, FALSE with an error logged otherwise.",
  args: {
    filename: arg.string().required().doc("The file to remove."),
  },
  permissions: ["FILESYSTEM_WRITE"],
  platforms: ["client"],
  sideEffects: true,
  async run({ filename }, ctx) {
    const w = writerOf(ctx);
    if (!w) return false;
    try {
      await untilAborted(w.remove(filename), ctx.signal);
      return true;
    } catch (err) {
      ctx.signal.throwIfAborted();
      ctx.log("ERROR", `rm: ${(err as Error).message}`);
      return false;
    }
  },
});

function entries(row: unknown): [string, unknown][] {
  if (row instanceof OrderedDict) return row.keys().map((k) => [k, row.get(k)]);
  if (isDictLike(row)) return Object.entries(row);
  return [["_value", row]];
}

/** A CSV field (RFC 4180): strings as they are, other values as JSON; quoted when needed. */
export function csvField(v: unknown): string {
  const j = toJsonValue(v);
  const s = typeof j === "string" ? j : j === null || j === undefined ? "" : JSON.stringify(j);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows of `query` written to `filename` by `line(row)` (and `header` first), each passed on. */
async function* writeRows(
  o: { filename: string; accessor: string; query: { rows(): AsyncIterable<unknown> }; append?: boolean },
  ctx: BuiltinContext,
  format: (row: unknown, first: boolean) => string,
): AsyncIterable<unknown> {
  const problem = accessorProblem(o.accessor, ctx.name);
  if (problem) return void ctx.log("ERROR", problem);
  const w = writerOf(ctx);
  if (!w) return;
  let sink: FileSink;
  try {
    sink = await untilAborted(w.open(o.filename, { append: o.append }), ctx.signal, (late) => late.close());
  } catch (err) {
    ctx.signal.throwIfAborted();
    return void ctx.log("ERROR", `${ctx.name}: ${(err as Error).message}`);
  }
  try {
    let first = true;
    for await (const row of abortable(o.query.rows(), ctx.signal)) {
      await untilAborted(sink.write(format(row, first)), ctx.signal);
      first = false;
      yield row;
    }
  } finally {
    await sink.close();
  }
}

export const writeCsvPlugin = definePlugin({
  name: "write_csv",
  category: "client",
  doc: "Writes the rows of `query` to a CSV file (a header from the first row's columns; non-string values as JSON) and passes them on.",
  args: {
    filename: arg.string().required().doc("The CSV file to write (truncated)."),
    accessor: arg.string().default("auto").doc("auto or file."),
    query: arg.query().required().doc("The rows to write."),
  },
  permissions: ["FILESYSTEM_WRITE"],
  platforms: ["client"],
  run({ filename, accessor, query }, ctx) {
    let columns: string[] = [];
    return writeRows({ filename, accessor, query }, ctx, (row, first) => {
      const e = entries(row);
      const values = new Map(e);
      let text = "";
      if (first) {
        columns = e.map(([k]) => k);
        text = columns.map(csvField).join(",") + "\n";
      }
      return text + columns.map((c) => csvField(values.get(c))).join(",") + "\n";
    });
  },
});

export const writeJsonlPlugin = definePlugin({
  name: "write_jsonl",
  category: "client",
  doc: "Writes the rows of `query` to a file as JSON lines and passes them on.",
  args: {
    filename: arg.string().required().doc("The file to write."),
    accessor: arg.string().default("auto").doc("auto or file."),
    query: arg.query().required().doc("The rows to write."),
    buffer_size: arg.int().doc("Accepted for compatibility (each row is written as it comes)."),
    max_time: arg.int().doc("Accepted for compatibility (each row is written as it comes)."),
    append: arg.bool().default(false).doc("Append to the file instead of truncating it."),
  },
  permissions: ["FILESYSTEM_WRITE"],
  platforms: ["client"],
  run({ filename, accessor, query, append }, ctx) {
    return writeRows({ filename, accessor, query, append }, ctx, (row) => toJsonText(row) + "\n");
  },
});
