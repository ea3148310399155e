// leveldb() over databases written by LevelDB itself (classic-level, the C++ library, as a
// test-only dependency): tables with Snappy-compressed blocks, logs not yet compacted,
// overwrites and deletions across them, binary keys and values, a damaged or missing
// database; and the corpus's Generic.Applications.Chrome.SessionStorage over such a database.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ClassicLevel } from "classic-level";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runVql, toJsonValue } from "@/engine/vql";
import { agentRegistry } from ".";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";

const system = createLinuxSystem();
const dir = mkdtempSync(join(tmpdir(), "talon-leveldb-"));
const utf16 = (s: string) => Buffer.from(s, "utf16le");

async function run(vql: string, env?: Record<string, unknown>) {
  const rows: Record<string, unknown>[] = [];
  const logs: string[] = [];
  for await (const e of runVql(vql, { registry: agentRegistry(), host: { system }, env })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

async function write(path: string, ops: (db: ClassicLevel<Buffer, Buffer>) => Promise<void>) {
  const db = new ClassicLevel<Buffer, Buffer>(path, { keyEncoding: "buffer", valueEncoding: "buffer" });
  await db.open();
  await ops(db);
  await db.close();
}

const main = join(dir, "main");
const many = join(dir, "many");
const session = join(dir, "Session Storage");

beforeAll(async () => {
  // Session 1 goes into the log; reopening turns that log into a table (Snappy blocks); session 2's
  // overwrite and deletion stay in the new log.
  await write(main, async (db) => {
    for (const k of ["b", "a", "c", "d"]) await db.put(Buffer.from(k), Buffer.from(`${k}-first-${"x".repeat(200)}`));
  });
  await write(main, async (db) => {
    await db.put(Buffer.from("b"), Buffer.from("b-second"));
    await db.del(Buffer.from("c"));
    await db.put(Buffer.from([0x5f, 0x00, 0x01, 0xff]), Buffer.from([0x01, 0xfe, 0x80]));
  });
  // Enough keys for several data blocks and restart points, compacted into tables.
  await write(many, async (db) => {
    await db.batch(Array.from({ length: 5000 }, (_, i) => ({ type: "put" as const, key: Buffer.from(`key-${String(i).padStart(5, "0")}`), value: Buffer.from(`value ${i} `.repeat(5)) })));
  });
  await write(many, async (db) => {
    await db.compactRange(Buffer.from("key-"), Buffer.from("key-~"));
  });
  // Chrome's Session Storage: namespace-<guid>-<origin> names a map, map-<id>-<key> holds a UTF-16 value.
  await write(session, async (db) => {
    await db.put(Buffer.from("namespace-6a1b2c3d_4e5f-https://example.com/"), Buffer.from("7"));
    await db.put(Buffer.from("map-7-theme"), utf16("dark"));
    await db.put(Buffer.from("map-7-user"), utf16("ana"));
    await db.put(Buffer.from("map-8-other"), utf16("not this map"));
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("leveldb()", () => {
  it("lists each key's newest value in key order, deleted keys left out, across tables and logs", async () => {
    const files = readdirSync(main);
    expect(files.some((f) => f.endsWith(".ldb"))).toBe(true);
    expect(files.some((f) => f.endsWith(".log"))).toBe(true);
    const { rows, logs } = await run(`SELECT Key, Value FROM leveldb(file='${main}')`);
    expect(logs.filter((l) => !l.startsWith("DEBUG"))).toEqual([]);
    // The binary key (0x5f...) sorts first; the next test reads its bytes.
    expect(rows).toHaveLength(4);
    expect(rows.slice(1)).toEqual([
      { Key: "a", Value: `a-first-${"x".repeat(200)}` },
      { Key: "b", Value: "b-second" },
      { Key: "d", Value: `d-first-${"x".repeat(200)}` },
    ]);
  });

  it("keeps bytes that are not UTF-8 as bytes (utf16(), hex encodings work on them)", async () => {
    const { rows } = await run(`SELECT format(format='%x', args=Key) AS K, format(format='%x', args=Value) AS V FROM leveldb(file='${main}') LIMIT 1`);
    expect(rows).toEqual([{ K: "5f0001ff", V: "01fe80" }]);
  });

  it("reads thousands of keys from compacted tables of many blocks", async () => {
    const { rows } = await run(`SELECT count() AS N, min(item=Key) AS First, max(item=Key) AS Last FROM leveldb(file='${many}') GROUP BY 1`);
    expect(rows).toEqual([{ N: 5000, First: "key-00000", Last: "key-04999" }]);
    const one = await run(`SELECT Value FROM leveldb(file='${many}') WHERE Key = 'key-01234'`);
    expect(one.rows).toEqual([{ Value: "value 1234 ".repeat(5) }]);
  });

  it("reads a copy without CURRENT or MANIFEST (every table and log), and a single table file", async () => {
    const bare = join(dir, "bare");
    mkdirSync(bare);
    for (const f of readdirSync(main)) if (/\.(ldb|log)$/.test(f)) cpSync(join(main, f), join(bare, f));
    const { rows } = await run(`SELECT Key, Value FROM leveldb(file='${bare}') WHERE Key =~ '^[a-z]$'`);
    expect(rows.map((r) => `${r.Key}=${String(r.Value).slice(0, 8)}`)).toEqual(["a=a-first-", "b=b-second", "d=d-first-"]);
    const table = readdirSync(main).find((f) => f.endsWith(".ldb"))!;
    const single = await run(`SELECT Key FROM leveldb(file='${join(main, table)}')`);
    expect(single.rows.map((r) => r.Key)).toEqual(["a", "b", "c", "d"]);
  });

  it("logs a missing database, a file that is not a table, and a damaged log, and goes on", async () => {
    const missing = await run(`SELECT * FROM leveldb(file='${dir}/nowhere')`);
    expect(missing.rows).toEqual([]);
    expect(missing.logs.join("\n")).toMatch(/leveldb: .*nowhere: no such file or directory/);
    writeFileSync(join(dir, "junk.ldb"), Buffer.alloc(100, 1));
    const junk = await run(`SELECT * FROM leveldb(file='${dir}/junk.ldb')`);
    expect(junk.logs.join("\n")).toMatch(/bad magic number/);
    const damaged = join(dir, "damaged");
    cpSync(main, damaged, { recursive: true });
    const log = readdirSync(damaged).find((f) => f.endsWith(".log"))!;
    const bytes = readFileSync(join(damaged, log));
    writeFileSync(join(damaged, log), Buffer.concat([bytes, Buffer.from([1, 2, 3, 4, 0xff, 0xff, 1, 9])]));
    const r = await run(`SELECT Key FROM leveldb(file='${damaged}') WHERE Key =~ '^[a-z]$'`);
    expect(r.rows.map((x) => x.Key)).toEqual(["a", "b", "d"]);
    expect(r.logs.join("\n")).toMatch(/WARN leveldb: .*runs past its block/);
    const acc = await run(`SELECT * FROM leveldb(file='${main}', accessor='ntfs')`);
    expect(acc.logs.join("\n")).toMatch(/accessor `ntfs` is not available/);
  });
});

const artifact = resolve(import.meta.dirname, "../../../../shared/corpus/velociraptor-artifacts/Generic/Applications/Chrome/SessionStorage.yaml");

describe.skipIf(!existsSync(artifact))("Generic.Applications.Chrome.SessionStorage (corpus)", () => {
  it("maps each namespace's origin to its keys and UTF-16 values", async () => {
    const def = parseYaml(readFileSync(artifact, "utf8")) as { sources: Array<{ query: string }> };
    const { rows } = await run(def.sources[0]!.query, { SessionGlobs: [{ Glob: session }], Accessor: "", AlsoUpload: false });
    expect(rows).toEqual([{ OSPath: session, GUID: "6a1b2c3d_4e5f", URL: "https://example.com/", Mapping: { theme: "dark", user: "ana" } }]);
  });
});
