// leveldb(): every key and value of a LevelDB database (Chrome's Local and Session Storage,
// extension state...), as Velociraptor's plugin lists them: the newest value of each key,
// deleted keys left out, in key order. The database is read, never opened for writing: the
// MANIFEST named by CURRENT says which tables and logs are live (without one, every table and
// log in the directory is read); the formats are in leveldb-format.ts.
import { arg, definePlugin, fromBytes, abortable, untilAborted, type BuiltinContext } from "@/engine/vql";
import { agentHost } from "./host";
import { accessorProblem } from "@/engine/endpoint/builtins/values";
import { currentEntries, logEntries, manifestLiveFiles, tableEntries, type LevelEntry, type LiveFiles } from "./leveldb-format";

const MAX_BYTES = 1024 * 1024 * 1024;
const FILE_NAME = /^(\d+)\.(ldb|sst|log)$/;

async function readWhole(ctx: BuiltinContext, file: string, budget: { left: number }): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  for await (const c of abortable(agentHost(ctx.host).system.fs.read(file, { signal: ctx.signal }), ctx.signal)) {
    budget.left -= c.length;
    if (budget.left < 0) throw new Error("the database is larger than 1 GiB");
    parts.push(Buffer.from(c));
  }
  return Buffer.concat(parts);
}

const join = (dir: string, name: string) => (dir.endsWith("/") ? dir + name : `${dir}/${name}`);

/** The live files' entries, read one file at a time. */
async function databaseEntries(ctx: BuiltinContext, dir: string, problem: (m: string) => void): Promise<LevelEntry[]> {
  const fs = agentHost(ctx.host).system.fs;
  const budget = { left: MAX_BYTES };
  const names: string[] = [];
  for await (const f of abortable(fs.glob(["*"], { root: dir, signal: ctx.signal }), ctx.signal)) if (!f.IsDir) names.push(f.Name);
  let live: LiveFiles | undefined;
  if (names.includes("CURRENT")) {
    const current = Buffer.from(await readWhole(ctx, join(dir, "CURRENT"), budget)).toString("utf8").trim();
    if (names.includes(current)) live = manifestLiveFiles(await readWhole(ctx, join(dir, current), budget), problem);
    else problem(`CURRENT names ${current}, which is not in the directory: reading every table and log`);
  }
  const entries: LevelEntry[] = [];
  for (const name of names.sort()) {
    const m = FILE_NAME.exec(name);
    if (!m) continue;
    const n = Number(m[1]);
    const isLog = m[2] === "log";
    if (live && (isLog ? n < live.logNumber && n !== live.prevLogNumber : !live.tables.has(n))) continue;
    ctx.signal.throwIfAborted();
    const data = await readWhole(ctx, join(dir, name), budget);
    try {
      for (const e of isLog ? logEntries(data, problem) : tableEntries(data, problem)) entries.push(e);
    } catch (err) {
      problem(`${name}: ${(err as Error).message}`);
    }
  }
  return entries;
}

export const leveldbPlugin = definePlugin({
  name: "leveldb",
  category: "parsers",
  doc: "Enumerate all items in a level db database: one row per key (Key, Value; the newest value, deleted keys left out, in key order). `file` is the database's directory; a single .ldb/.sst table or .log file is read on its own.",
  args: {
    file: arg.string().required().doc("The path to the leveldb file."),
    accessor: arg.string().default("auto").doc("The accessor to use (auto or file)."),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  async *run({ file, accessor }, ctx) {
    const problem = accessorProblem(accessor, "leveldb");
    if (problem) return void ctx.log("ERROR", problem);
    const warn = (m: string) => ctx.log("WARN", `leveldb: ${file}: ${m}`);
    let entries: LevelEntry[];
    try {
      const info = await untilAborted(agentHost(ctx.host).system.fs.stat(file), ctx.signal);
      if (!info) return void ctx.log("ERROR", `leveldb: ${file}: no such file or directory`);
      if (info.IsDir) entries = await databaseEntries(ctx, file, warn);
      else {
        const data = await readWhole(ctx, file, { left: MAX_BYTES });
        entries = /\.log$/i.test(file) ? logEntries(data, warn) : tableEntries(data, warn);
      }
    } catch (err) {
      ctx.signal.throwIfAborted();
      return void ctx.log("ERROR", `leveldb: ${file}: ${(err as Error).message}`);
    }
    for (const e of currentEntries(entries)) {
      ctx.signal.throwIfAborted();
      yield { Key: fromBytes(e.key), Value: fromBytes(e.value) };
    }
  },
});
