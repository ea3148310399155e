// sqlite(): runs a query over an SQLite database file with sql.js (SQLite compiled to
// WebAssembly, no native build). The file is read whole into memory, once per query run (later
// calls on the same file reuse it); databases larger than 1 GiB are refused. A statement that
// changes the database (CREATE, INSERT...) is written back to the file at once, as SQLite
// commits it (Velociraptor's sqlite() writes through its driver); a missing file is then made,
// as SQLite makes one. Writes go through the endpoint's writer (protected paths refused).
import initSqlJs, { type Database, type SqlJsStatic, type SqlValue } from "sql.js";
import { arg, definePlugin, isDictLike, OrderedDict, abortable, untilAborted, type BuiltinContext } from "@/engine/vql";
import { agentHost } from "./host";
import { accessorProblem } from "@/engine/endpoint/builtins/values";

const MAX_BYTES = 1024 * 1024 * 1024;
/** sql.js throws strings as well as Errors. */
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
const DATABASES = Symbol("sqlite databases");
let engine: Promise<SqlJsStatic> | undefined;

async function readWhole(ctx: BuiltinContext, file: string): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of abortable(agentHost(ctx.host).system.fs.read(file, { signal: ctx.signal }), ctx.signal)) {
    n += c.length;
    if (n > MAX_BYTES) throw new Error(`${file} is larger than 1 GiB`);
    parts.push(Buffer.from(c));
  }
  return Buffer.concat(parts);
}

/** The run's open database for `file` (opened on first use, closed when the run ends). */
function database(ctx: BuiltinContext, file: string): Promise<Database> {
  const dbs = ctx.runShared(DATABASES, () => {
    const m = new Map<string, Promise<Database>>();
    const closeAll = () => {
      for (const p of m.values()) void p.then((d) => d.close(), () => {});
    };
    if (ctx.signal.aborted) queueMicrotask(closeAll);
    else ctx.signal.addEventListener("abort", closeAll, { once: true });
    return m;
  });
  let db = dbs.get(file);
  if (!db) {
    db = (async () => {
      const SQL = await (engine ??= initSqlJs());
      try {
        return new SQL.Database(await readWhole(ctx, file));
      } catch (err) {
        // As SQLite opens a file that does not exist: an empty database, made on the first write.
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return new SQL.Database();
        throw err;
      }
    })();
    db.catch(() => dbs.delete(file));
    dbs.set(file, db);
  }
  return db;
}

const WRITES = /^\s*(create|drop|alter|insert|update|delete|replace|vacuum|reindex|pragma\s+\w+\s*=)/i;

/** Writes the database back to its file (after a statement that changed it). */
async function writeBack(ctx: BuiltinContext, db: Database, file: string): Promise<void> {
  const writer = agentHost(ctx.host).system.writer;
  if (!writer) throw new Error("this endpoint cannot write files");
  const sink = await writer.open(file, { mode: 0o644 });
  try {
    await sink.write(db.export());
  } finally {
    await sink.close();
  }
}

function bindable(v: unknown): SqlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "number" || typeof v === "string") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof Uint8Array) return v;
  return String(v);
}

function cell(v: SqlValue): unknown {
  return v instanceof Uint8Array ? Buffer.from(v).toString("utf8") : v;
}

export const sqlitePlugin = definePlugin({
  name: "sqlite",
  category: "client",
  doc: "Runs an SQL query over an SQLite database file: one row per result row, columns as the query names them (BLOBs as strings).",
  args: {
    file: arg.string().required().doc("The database file."),
    accessor: arg.string().default("auto").doc("auto or file."),
    query: arg.string().required().doc("The SQL to run."),
    args: arg.any().doc("Values for the query's `?` placeholders (a list) or `:name` ones (a dict)."),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  async *run({ file, accessor, query, args }, ctx) {
    const problem = accessorProblem(accessor, "sqlite");
    if (problem) return void ctx.log("ERROR", problem);
    let db: Database;
    try {
      db = await untilAborted(database(ctx, file), ctx.signal);
    } catch (err) {
      ctx.signal.throwIfAborted();
      return void ctx.log("ERROR", `sqlite: ${file}: ${messageOf(err)}`);
    }
    // A query with no statement in it (blank, or only `;`) runs nothing, as SQLite's prepare of
    // an empty text gives no statement and no error (sql.js would throw "Nothing to prepare").
    if (!query.replace(/[\s;]+/g, "")) return;
    let stmt: ReturnType<Database["prepare"]> | undefined;
    try {
      stmt = db.prepare(query);
      if (Array.isArray(args)) stmt.bind(args.map(bindable));
      else if (args instanceof OrderedDict) stmt.bind(Object.fromEntries(args.keys().map((k) => [k.startsWith(":") || k.startsWith("$") || k.startsWith("@") ? k : `:${k}`, bindable(args.get(k))])));
      else if (isDictLike(args)) stmt.bind(Object.fromEntries(Object.entries(args).map(([k, v]) => [k.startsWith(":") ? k : `:${k}`, bindable(v)])));
      else if (args !== undefined && args !== null) stmt.bind([bindable(args)]);
    } catch (err) {
      stmt?.free();
      return void ctx.log("ERROR", `sqlite: ${messageOf(err)}`);
    }
    try {
      const columns = stmt.getColumnNames();
      let n = 0;
      while (stmt.step()) {
        const values = stmt.get();
        yield new OrderedDict(columns.map((c, i) => [c, cell(values[i]!)]));
        // sql.js is synchronous: give the event loop (and the abort) a turn now and then.
        if (++n % 1000 === 0) await new Promise((r) => setImmediate(r));
        ctx.signal.throwIfAborted();
      }
      if (WRITES.test(query)) {
        stmt.free();
        stmt = undefined;
        await untilAborted(writeBack(ctx, db, file), ctx.signal);
      }
    } catch (err) {
      ctx.signal.throwIfAborted();
      ctx.log("ERROR", `sqlite: ${messageOf(err)}`);
    } finally {
      stmt?.free();
    }
  },
});
