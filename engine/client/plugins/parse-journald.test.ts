// parse_journald() over real journal files written by systemd 252's systemd-journal-remote from
// the export-format inputs beside them (testdata/journald/*.export), gzipped for the repo:
//   systemd-journal-remote --output=compact.journal - < small.export            (compact, zstd)
//   SYSTEMD_JOURNAL_COMPACT=0 systemd-journal-remote --output=regular.journal - < small.export
//   systemd-journal-remote --output=large-field.journal - < big.export           (an 870-byte MESSAGE: zstd-compressed)
//   gzip -9 -n *.journal; printf 'MESSAGE=hello from xz' | xz -c --check=none > field.xz
// Expected values are the export files' fields; the corpus's Linux.Forensics.Journal runs over
// copies of them.
import { gunzipSync } from "node:zlib";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { loadArtifact, compileArtifact, resolveParameters } from "@/engine/artifacts";
import { MemoryOutbox } from "@/engine/client/connection/outbox";
import { createVqlRunner } from "@/engine/client/executor/vql-runner";
import { FlowResponder } from "@/engine/client/responder/responder";
import { runVql, toJsonValue } from "@/engine/vql";
import { corpusDir } from "@/engine/vql/testdata/load-corpus";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { createPathGuard, guardSystem } from "@/engine/endpoint/builtins/protected-paths";
import { agentRegistry } from ".";
import type { AgentVqlHost } from "./host";
import { decompressField, OBJECT_COMPRESSED_LZ4, OBJECT_COMPRESSED_XZ, OBJECT_COMPRESSED_ZSTD } from "./journal-decompress";

const DATA = join(dirname(fileURLToPath(import.meta.url)), "testdata", "journald");
const dir = mkdtempSync(join(tmpdir(), "talon-journald-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fixture unpacked into the temp directory (its bytes, and its path). */
function fixture(name: string, as = name): { bytes: Buffer; path: string } {
  const bytes = gunzipSync(readFileSync(join(DATA, `${name}.journal.gz`)));
  const path = join(dir, `${as}.journal`);
  writeFileSync(path, bytes);
  return { bytes, path };
}

const system = createLinuxSystem();
async function run(vql: string, host: AgentVqlHost = { system }) {
  const rows: Record<string, unknown>[] = [];
  const logs: string[] = [];
  for await (const e of runVql(vql, { registry: agentRegistry(), host })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

const BOOT = "0123456789abcdef0123456789abcdef";
/** small.export's four entries as parsed rows. */
const SMALL = [
  {
    System: {
      Seq: 1,
      Timestamp: "2023-11-14T22:13:20Z",
      _BOOT_ID: BOOT,
      _HOSTNAME: "web1",
      _PID: 812,
      _UID: 0,
      _COMM: "sshd",
      _EXE: "/usr/sbin/sshd",
      _CMDLINE: "sshd: alice [priv]",
      SOURCE_REALTIME_TIMESTAMP: "2023-11-14T22:13:19.9995Z",
    },
    EventData: { SYSLOG_IDENTIFIER: "sshd", SYSLOG_PID: 812, PRIORITY: 6, MESSAGE: "Accepted publickey for alice from 10.0.0.5 port 50122 ssh2" },
  },
  {
    System: { Seq: 2, Timestamp: "2023-11-14T22:14:20Z", _BOOT_ID: BOOT, _HOSTNAME: "web1", _PID: 1, _COMM: "systemd" },
    EventData: { SYSLOG_IDENTIFIER: "systemd", PRIORITY: 5, MESSAGE: "Started Session 7 of User alice." },
  },
  {
    System: { Seq: 3, Timestamp: "2023-11-14T22:15:20Z", _BOOT_ID: BOOT, _HOSTNAME: "web1", _TRANSPORT: "kernel" },
    EventData: { SYSLOG_IDENTIFIER: "kernel", PRIORITY: 3, MESSAGE: "line one\nline two" },
  },
  {
    System: { Seq: 4, Timestamp: "2023-11-14T22:16:20Z", _BOOT_ID: BOOT, _HOSTNAME: "web1", _PID: 2044, _COMM: "cron" },
    EventData: { SYSLOG_IDENTIFIER: "CRON", PRIORITY: 6, MESSAGE: "fourth entry: (root) CMD (run-parts /etc/cron.hourly)" },
  },
];

/** Key order aside (the file orders an entry's items by their data objects), rows equal. */
const sorted = (v: unknown): unknown =>
  v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sorted(x)])) : v;

describe("parse_journald()", () => {
  it("reads every entry of a compact and of a regular journal file as System and EventData", async () => {
    for (const name of ["compact", "regular"]) {
      const { path } = fixture(name);
      const r = await run(`SELECT * FROM parse_journald(filename='${path}')`);
      expect(r.logs).toEqual([]);
      expect(r.rows.map(sorted)).toEqual(SMALL.map(sorted));
      // System opens with Seq and Timestamp, as Velociraptor's rows do.
      expect(Object.keys(r.rows[0]!)).toEqual(["System", "EventData"]);
      expect(Object.keys(r.rows[0]!.System as object).slice(0, 2)).toEqual(["Seq", "Timestamp"]);
    }
  });

  it("decompresses a field journald stored zstd-compressed (longer than 512 bytes)", async () => {
    const { bytes, path } = fixture("large-field");
    const long = Array.from({ length: 30 }, (_, i) => `segment ${String(i).padStart(3, "0")} of a long field; `).join("");
    expect(long.length).toBe(870);
    // The text is not in the file as it is: journald compressed it.
    expect(bytes.includes(Buffer.from("segment 029"))).toBe(false);
    const r = await run(`SELECT EventData.MESSAGE AS M, EventData.PRIORITY AS P, System._PID AS PID FROM parse_journald(filename='${path}')`);
    expect(r.logs).toEqual([]);
    expect(r.rows).toEqual([
      { M: long, P: 6, PID: 42 },
      { M: "short", P: 7, PID: null },
    ]);
  });

  it("raw: Timestamp and every field as text", async () => {
    const { path } = fixture("compact", "raw");
    const r = await run(`SELECT * FROM parse_journald(filename='${path}', raw=TRUE) LIMIT 2`);
    expect(sorted(r.rows[1])).toEqual(
      sorted({ Timestamp: "2023-11-14T22:14:20Z", _BOOT_ID: BOOT, _HOSTNAME: "web1", _PID: "1", _COMM: "systemd", SYSLOG_IDENTIFIER: "systemd", PRIORITY: "5", MESSAGE: "Started Session 7 of User alice." }),
    );
    expect(Object.keys(r.rows[0]!)[0]).toBe("Timestamp");
  });

  it("start_time and end_time keep the entries within them, both ends included", async () => {
    const { path } = fixture("compact", "times");
    // Entries are at 1700000000, +60, +120 and +180 seconds.
    const r = await run(`SELECT System.Seq AS Seq FROM parse_journald(filename='${path}', start_time=1700000060, end_time='2023-11-14T22:15:20Z')`);
    expect(r.rows).toEqual([{ Seq: 2 }, { Seq: 3 }]);
    const after = await run(`SELECT System.Seq AS Seq FROM parse_journald(filename='${path}', start_time=1700000120.5)`);
    expect(after.rows).toEqual([{ Seq: 4 }]);
  });

  it("a file cut short gives the entries before the cut and logs an error", async () => {
    const { bytes } = fixture("compact", "whole");
    // The fourth entry's MESSAGE data object is written before its entry object: cutting inside it loses entry 4 only.
    const cut = bytes.indexOf(Buffer.from("MESSAGE=fourth entry")) + 5;
    const path = join(dir, "cut.journal");
    writeFileSync(path, bytes.subarray(0, cut));
    const r = await run(`SELECT System.Seq AS Seq FROM parse_journald(filename='${path}')`);
    expect(r.rows).toEqual([{ Seq: 1 }, { Seq: 2 }, { Seq: 3 }]);
    expect(r.logs).toHaveLength(1);
    expect(r.logs[0]).toMatch(/^ERROR parse_journald: .*cut\.journal: .*cut short/);
  });

  it("a damaged object header ends the walk with an error after the entries before it", async () => {
    const { bytes } = fixture("compact", "damaged");
    const copy = Buffer.from(bytes);
    // A compact DATA object's payload starts 72 bytes into the object: its type byte is there.
    copy[copy.indexOf(Buffer.from("MESSAGE=fourth entry")) - 72] = 0xee;
    const path = join(dir, "damaged2.journal");
    writeFileSync(path, copy);
    const r = await run(`SELECT System.Seq AS Seq FROM parse_journald(filename='${path}')`);
    expect(r.rows).toEqual([{ Seq: 1 }, { Seq: 2 }, { Seq: 3 }]);
    expect(r.logs.join("\n")).toMatch(/ERROR parse_journald: .*damaged object at byte \d+ \(type 238/);
  });

  it("an entry whose item points outside the file is skipped with a warning; the others are read", async () => {
    const { bytes } = fixture("compact", "items");
    const copy = Buffer.from(bytes);
    // Entry 2's MESSAGE data object; the compact entry item (a le32 offset) naming it comes after it, in entry 2.
    const data = copy.indexOf(Buffer.from("MESSAGE=Started Session 7")) - 72;
    const le32 = Buffer.alloc(4);
    le32.writeUInt32LE(data);
    const item = copy.indexOf(le32, data + 72);
    copy.writeUInt32LE(0xfffffff0, item);
    const path = join(dir, "items2.journal");
    writeFileSync(path, copy);
    const r = await run(`SELECT System.Seq AS Seq FROM parse_journald(filename='${path}')`);
    expect(r.rows).toEqual([{ Seq: 1 }, { Seq: 3 }, { Seq: 4 }]);
    expect(r.logs).toEqual([expect.stringMatching(/^WARN parse_journald: .*: skipped the entry at byte \d+ \(seqnum 2\): item points outside the arena/)]);
  });

  it("a file that is not a journal, and a missing one, log an error and give no rows; the next file is still read", async () => {
    const other = join(dir, "not.journal");
    writeFileSync(other, "hello, not a journal");
    const { path } = fixture("regular", "after");
    const r = await run(`SELECT System.Seq AS Seq FROM parse_journald(filename=['${join(dir, "missing.journal")}', '${other}', '${path}'])`);
    expect(r.rows).toEqual([{ Seq: 1 }, { Seq: 2 }, { Seq: 3 }, { Seq: 4 }]);
    expect(r.logs).toEqual([expect.stringMatching(/^ERROR parse_journald: .*missing\.journal: ENOENT/), expect.stringMatching(/^ERROR parse_journald: .*not\.journal: not a journal file/)]);
  });

  it("refuses protected paths", async () => {
    const { path } = fixture("compact", "protected");
    const guarded = guardSystem(system, createPathGuard([{ pattern: path, reason: "the agent's state directory" }]), () => {});
    const r = await run(`SELECT * FROM parse_journald(filename='${path}')`, { system: guarded });
    expect(r.rows).toEqual([]);
    expect(r.logs.join("\n")).toMatch(/ERROR parse_journald: .*refused to read .*protected\.journal: it is the agent's state directory/);
  });

  it("refuses accessors other than auto and file", async () => {
    const r = await run(`SELECT * FROM parse_journald(filename='/x', accessor='ntfs')`);
    expect(r.rows).toEqual([]);
    expect(r.logs.join("\n")).toMatch(/parse_journald: accessor `ntfs` is not available/);
  });
});

describe("journal field decompression", () => {
  it("LZ4: a little-endian u64 of the size, then a raw LZ4 block", async () => {
    // Token 0x35: 3 literals "abc", then a match of 5 + 4 = 9 bytes at offset 3; token 0x50: 5 last literals.
    const block = [0x35, ...Buffer.from("abc"), 0x03, 0x00, 0x50, ...Buffer.from("xyz!!")];
    const size = Buffer.alloc(8);
    size.writeBigUInt64LE(17n);
    const out = await decompressField(OBJECT_COMPRESSED_LZ4, Buffer.concat([size, Buffer.from(block)]));
    expect(Buffer.from(out).toString()).toBe("abcabcabcabcxyz!!");
    size.writeBigUInt64LE(20n);
    await expect(decompressField(OBJECT_COMPRESSED_LZ4, Buffer.concat([size, Buffer.from(block)]))).rejects.toThrow(/lz4: the block decodes to 17 bytes, the object says 20/);
  });

  it("XZ: an .xz stream", async () => {
    const out = await decompressField(OBJECT_COMPRESSED_XZ, readFileSync(join(DATA, "field.xz")));
    expect(Buffer.from(out).toString()).toBe("MESSAGE=hello from xz");
  });

  it("damaged ZSTD data is an error", async () => {
    await expect(decompressField(OBJECT_COMPRESSED_ZSTD, Buffer.from("not zstd at all"))).rejects.toThrow(/^zstd:/);
  });
});

describe("Linux.Forensics.Journal (the corpus artifact) over the fixtures", () => {
  async function collect(parameters: Record<string, string>) {
    const a = loadArtifact(readFileSync(join(corpusDir, "Linux", "Forensics", "Journal.yaml"), "utf8")).artifact!;
    const params = resolveParameters(a, parameters);
    if (!params.ok) throw new Error(params.error);
    const runner = createVqlRunner(createLinuxSystem());
    const rows: Record<string, unknown>[] = [];
    const logs: string[] = [];
    for (const source of compileArtifact(a, () => undefined).sources) {
      const ctx = { flowId: "F.JOURNAL", artifact: a.name, env: params.env, signal: new AbortController().signal, maxRows: 1000, permissions: new Set<string>(), responder: new FlowResponder(new MemoryOutbox(), "F.JOURNAL") };
      for await (const e of runner.run(source.query, ctx)) {
        if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
        if (e.kind === "log" && e.level === "ERROR") logs.push(e.message);
      }
    }
    return { rows, logs };
  }
  const globDir = mkdtempSync(join(dir, "glob-"));
  const setUp = () => {
    writeFileSync(join(globDir, "system.journal"), gunzipSync(readFileSync(join(DATA, "compact.journal.gz"))));
    writeFileSync(join(globDir, "user-1000.journal~"), gunzipSync(readFileSync(join(DATA, "large-field.journal.gz"))));
  };

  it("every entry of the glob's files with the default parameters", async () => {
    setUp();
    const r = await collect({ JournalGlob: `${globDir}/*.journal{,~}` });
    expect(r.logs).toEqual([]);
    expect(r.rows).toHaveLength(6);
    expect(r.rows.filter((x) => (x.System as { Seq: number }).Seq === 1)).toHaveLength(2);
  });

  it("IdentifierRegex, IocRegex and DateAfter narrow the entries", async () => {
    setUp();
    const ident = await collect({ JournalGlob: `${globDir}/*.journal{,~}`, IdentifierRegex: "^(sshd|CRON)$" });
    expect(ident.rows.map((x) => (x.EventData as { MESSAGE: string }).MESSAGE.slice(0, 8)).sort()).toEqual(["Accepted", "fourth e"]);
    // IocRegex matches the entry's EventData, _CMDLINE and _EXE put together.
    const ioc = await collect({ JournalGlob: `${globDir}/*.journal{,~}`, IocRegex: "alice \\[priv\\]" });
    expect(ioc.rows.map((x) => (x.System as { _PID: number })._PID)).toEqual([812]);
    const after = await collect({ JournalGlob: `${globDir}/*.journal{,~}`, DateAfter: "2023-11-14T22:15:00Z" });
    expect(after.rows.map((x) => (x.System as { Seq: number }).Seq).sort()).toEqual([3, 4]);
  });

  it("its notebook's simplified view columns", async () => {
    setUp();
    const r = await run(
      `LET Priorities <= dict(\`3\`='err', \`5\`='notice', \`6\`='info')
       SELECT System.Timestamp AS Timestamp, EventData.SYSLOG_IDENTIFIER AS Unit, get(item=Priorities, field=str(str=EventData.PRIORITY)) AS Level,
              System._EXE AS Executable, System._PID AS PID, EventData.MESSAGE AS Message
       FROM parse_journald(filename='${globDir}/system.journal') LIMIT 1`,
    );
    expect(r.rows).toEqual([{ Timestamp: "2023-11-14T22:13:20Z", Unit: "sshd", Level: "info", Executable: "/usr/sbin/sshd", PID: 812, Message: "Accepted publickey for alice from 10.0.0.5 port 50122 ssh2" }]);
  });
});
