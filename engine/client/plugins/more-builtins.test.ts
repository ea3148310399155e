// The agent's environment, file-writing, archive and parser builtins on this Linux machine,
// through the VQL engine; expected values from Velociraptor's documentation, Go's os.Expand
// and the formats' specifications.
import { createSocket, type Socket } from "node:dgram";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, hostname, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { strToU8, zipSync } from "fflate";
import initSqlJs from "sql.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runVql, toJsonValue } from "@/engine/vql";
import { agentRegistry } from ".";
import { parseAuditLine } from "./auditd";
import { expandEnv } from "./environment";
import type { AgentVqlHost } from "./host";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { identify } from "./magic-table";
import { createPathGuard, guardSystem } from "@/engine/endpoint/builtins/protected-paths";
import { parsePermissions } from "./write";

const system = createLinuxSystem();
const dir = mkdtempSync(join(tmpdir(), "talon-more-"));

async function run(vql: string, o: { host?: AgentVqlHost; during?: (row: Record<string, unknown>) => void } = {}) {
  const rows: Record<string, unknown>[] = [];
  const logs: string[] = [];
  for await (const e of runVql(vql, { registry: agentRegistry(), host: o.host ?? { system } })) {
    if (e.kind === "row") {
      const row = toJsonValue(e.row) as Record<string, unknown>;
      o.during?.(row);
      rows.push(row);
    }
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}
const one = async (expr: string) => (await run(`SELECT ${expr} AS X FROM scope()`)).rows[0]!.X;

/** A DNS server on 127.0.0.1 that answers every A question with 10.1.2.3 and TXT with "talon". */
let dns: Socket;
let dnsPort = 0;
beforeAll(async () => {
  dns = createSocket("udp4");
  dns.on("message", (q, from) => {
    let end = 12;
    while (q[end]! !== 0) end += q[end]! + 1;
    const qtype = q.readUInt16BE(end + 1);
    const question = q.subarray(12, end + 5);
    const rdata = qtype === 1 ? Buffer.from([10, 1, 2, 3]) : qtype === 16 ? Buffer.concat([Buffer.from([5]), Buffer.from("talon")]) : undefined;
    const header = Buffer.from([q[0]!, q[1]!, 0x81, 0x80, 0, 1, 0, rdata ? 1 : 0, 0, 0, 0, 0]);
    const answer = rdata ? Buffer.concat([Buffer.from([0xc0, 0x0c, 0, qtype, 0, 1, 0, 0, 0, 60, 0, rdata.length]), rdata]) : Buffer.alloc(0);
    dns.send(Buffer.concat([header, question, answer]), from.port, from.address);
  });
  await new Promise<void>((r) => dns.bind(0, "127.0.0.1", r));
  dnsPort = dns.address().port;
});
afterAll(() => {
  dns.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("expand() and environ()", () => {
  it("expands like Go's os.ExpandEnv, plus %NAME% when NAME is set", () => {
    const env = { HOME: "/home/u", A: "x", "!": "bang" };
    expect(expandEnv("$HOME/bin", env)).toBe("/home/u/bin");
    expect(expandEnv("${HOME}bin", env)).toBe("/home/ubin");
    expect(expandEnv("%HOME%\\bin", env)).toBe("/home/u\\bin");
    expect(expandEnv("%UNSET%/$UNSET/", env)).toBe("%UNSET%//");
    // Go: a trailing `$` stays, `$` before a non-name character stays, bad `${}` is eaten, `$!` is a special name.
    expect(expandEnv("a$", env)).toBe("a$");
    expect(expandEnv("5$ each", env)).toBe("5$ each");
    expect(expandEnv("<${}>", env)).toBe("<>");
    expect(expandEnv("$!", env)).toBe("bang");
    // One pass: a value with `$` in it is not expanded again.
    expect(expandEnv("$B", { B: "$A" })).toBe("$A");
  });

  it("reads the agent's own environment", async () => {
    expect(await one("expand(path='$HOME')")).toBe(process.env.HOME);
    expect(await one("expand(path='%PATH%')")).toBe(process.env.PATH);
    expect(await one("environ(var='HOME')")).toBe(process.env.HOME);
    expect(await one("environ(var='TALON_SURELY_UNSET')")).toBe(null);
    expect((await run("SELECT * FROM environ(vars=['HOME', 'TALON_SURELY_UNSET'])")).rows).toEqual([{ HOME: process.env.HOME }]);
    // Secret-looking variables stay hidden (engine/cli/secrets-env.ts names them).
    process.env.TALON_TEST_API_KEY = "hidden";
    try {
      expect(await one("environ(var='TALON_TEST_API_KEY')")).toBe(null);
      expect(await one("expand(path='[$TALON_TEST_API_KEY]')")).toBe("[]");
    } finally {
      delete process.env.TALON_TEST_API_KEY;
    }
    const all = (await run("SELECT * FROM environ()")).rows;
    expect(all).toHaveLength(1);
    expect(all[0]!.PATH).toBe(process.env.PATH);
  });
});

describe("host()", () => {
  it("resolves through the system resolver (/etc/hosts counts)", async () => {
    expect(await one("host(name='localhost')")).toContain("127.0.0.1");
  });

  it("asks the given server, for A and other record types", async () => {
    expect(await one(`host(name='talon.example', server='127.0.0.1:${dnsPort}')`)).toEqual(["10.1.2.3"]);
    expect(await one(`host(name='talon.example', server='127.0.0.1:${dnsPort}', type='TXT')`)).toEqual(["talon"]);
  });

  it("logs an unsupported type and returns NULL", async () => {
    const r = await run("SELECT host(name='localhost', type='AXFR', server='127.0.0.1:1') AS X FROM scope()");
    expect(r.rows).toEqual([{ X: null }]);
    expect(r.logs.join("\n")).toMatch(/AXFR is not supported/);
  });
});

describe("sysinfo()", () => {
  it("reports this machine's node, kernel, cpu and memory", async () => {
    const s = (await one("sysinfo()")) as Record<string, Record<string, unknown>>;
    expect(s.node!.hostname).toBe(hostname());
    expect(s.kernel!.release).toBe(release());
    expect(s.cpu!.threads).toBe(cpus().length);
    expect(s.memory!.size).toBe(Math.round(totalmem() / 1024 / 1024));
    expect(Object.keys(s)).toEqual(["node", "os", "kernel", "product", "board", "chassis", "bios", "cpu", "memory"]);
  });
});

describe("stat(), read_file() plugin and magic()", () => {
  const hello = join(dir, "hello.txt");
  beforeAll(() => writeFileSync(hello, "hello world\n"));

  it("stat() as a function gives one dict, NULL for a missing file", async () => {
    expect(await one(`stat(filename='${hello}').Size`)).toBe(12);
    expect(await one(`stat(filename='${hello}').IsDir`)).toBe(false);
    expect(await one(`stat(filename='${dir}/missing')`)).toBe(null);
  });

  it("read_file() as a plugin gives chunks with their offsets, up to max_length", async () => {
    const r = await run(`SELECT Data, Offset, Filename FROM read_file(filenames='${hello}', chunk=5)`);
    expect(r.rows).toEqual([
      { Data: "hello", Offset: 0, Filename: hello },
      { Data: " worl", Offset: 5, Filename: hello },
      { Data: "d\n", Offset: 10, Filename: hello },
    ]);
    const short = await run(`SELECT Data FROM read_file(filenames=['${hello}', '${hello}'], chunk=5, max_length=7)`);
    expect(short.rows.map((x) => x.Data)).toEqual(["hello", " w", "hello", " w"]);
  });

  it("magic() names types by their signatures", async () => {
    // A 1x1 PNG: signature, then the IHDR chunk with width and height.
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.from("IHDR"), Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0])]);
    writeFileSync(join(dir, "x.bin"), png);
    expect(await one(`magic(path='${dir}/x.bin')`)).toBe("PNG image data, 1 x 1");
    expect(await one(`magic(path='${dir}/x.bin', type='mime')`)).toBe("image/png");
    expect(await one(`magic(path='${dir}/x.bin', type='extension')`)).toBe("png");
    expect(await one(`magic(path='${hello}')`)).toBe("ASCII text");
    expect(await one("magic(path='%PDF-1.7 rest', accessor='data')")).toBe("PDF document, version 1.7");
    // This very node binary is an ELF file.
    expect(await one(`magic(path='${process.execPath}')`)).toMatch(/^ELF (64|32)-bit [LM]SB (executable|shared object)$/);
    expect(identify(Buffer.alloc(0)).description).toBe("empty");
    expect(identify(Buffer.from([0, 1, 2, 255])).description).toBe("data");
    expect(identify(Buffer.from("SQLite format 3\0....")).mime).toBe("application/vnd.sqlite3");
  });
});

describe("tempfile(), tempdir(), copy(), rm()", () => {
  it("parses octal, rwx and x permissions", () => {
    expect(parsePermissions("0755")).toBe(0o755);
    expect(parsePermissions("644")).toBe(0o644);
    expect(parsePermissions("rw-r-----")).toBe(0o640);
    expect(parsePermissions("-rwxr-xr-x")).toBe(0o755);
    expect(parsePermissions("x")).toBe(0o700);
    expect(() => parsePermissions("lots")).toThrow(/neither octal/);
  });

  it("tempfile() holds the data while the query runs and is removed after", async () => {
    let seen: { path: string; content: string; mode: number } | undefined;
    await run("SELECT tempfile(data=['a', 'b'], extension='.sh', permissions='x') AS T FROM scope()", {
      during: (row) => {
        const path = String(row.T);
        seen = { path, content: readFileSync(path, "utf8"), mode: statSync(path).mode & 0o777 };
      },
    });
    expect(seen!.path.startsWith(tmpdir())).toBe(true);
    expect(seen!.path).toMatch(/\/tmp[0-9a-f]+\.sh$/);
    expect(seen!.content).toBe("ab");
    expect(seen!.mode).toBe(0o700);
    // Removal starts as the run ends.
    await vi.waitFor(() => expect(existsSync(seen!.path)).toBe(false), { timeout: 1000 });
  });

  it("tempdir() is a new directory removed with its contents after the query", async () => {
    let path = "";
    await run("LET D = tempdir() SELECT D, copy(filename='x', accessor='data', dest=D + '/inner.txt') AS C FROM scope()", {
      during: (row) => {
        path = String(row.D);
        expect(statSync(path).isDirectory()).toBe(true);
        expect(readFileSync(String(row.C), "utf8")).toBe("x");
      },
    });
    expect(path).not.toBe("");
    await vi.waitFor(() => expect(existsSync(path)).toBe(false), { timeout: 1000 });
  });

  it("copy() copies, appends, makes directories and sets permissions; returns dest", async () => {
    const src = join(dir, "src.txt");
    writeFileSync(src, "one\n");
    const dest = join(dir, "made", "deeper", "dest.txt");
    expect(await one(`copy(filename='${src}', dest='${dest}', create_directories=TRUE, permissions='0600')`)).toBe(dest);
    expect(await one(`copy(filename='two\n', accessor='data', dest='${dest}', append=TRUE)`)).toBe(dest);
    expect(readFileSync(dest, "utf8")).toBe("one\ntwo\n");
    expect(statSync(dest).mode & 0o777).toBe(0o600);
    const r = await run(`SELECT copy(filename='${src}', dest='${dir}/no/such/dir/x') AS X FROM scope()`);
    expect(r.rows).toEqual([{ X: null }]);
    expect(r.logs.join("\n")).toMatch(/ERROR copy: .*ENOENT/);
  });

  it("rm() removes a file: TRUE, then FALSE with an error once it is gone", async () => {
    const f = join(dir, "doomed.txt");
    writeFileSync(f, "x");
    expect(await one(`rm(filename='${f}')`)).toBe(true);
    expect(existsSync(f)).toBe(false);
    const r = await run(`SELECT rm(filename='${f}') AS X FROM scope()`);
    expect(r.rows).toEqual([{ X: false }]);
    expect(r.logs.join("\n")).toMatch(/ERROR rm: .*ENOENT/);
  });

  it("refuses to change protected paths (the agent's state directory)", async () => {
    const state = join(dir, "state");
    mkdirSync(state);
    writeFileSync(join(state, "identity.json"), "{}");
    const guarded = guardSystem(system, createPathGuard([{ pattern: state, reason: "the agent's state directory" }]), () => {});
    const host = { system: guarded };
    const rm = await run(`SELECT rm(filename='${state}/identity.json') AS X FROM scope()`, { host });
    expect(rm.rows).toEqual([{ X: false }]);
    expect(rm.logs.join("\n")).toMatch(/refused to change .*identity.json: it is the agent's state directory/);
    const cp = await run(`SELECT copy(filename='x', accessor='data', dest='${state}/identity.json') AS X FROM scope()`, { host });
    expect(cp.rows).toEqual([{ X: null }]);
    expect(readFileSync(join(state, "identity.json"), "utf8")).toBe("{}");
  });
});

describe("write_csv() and write_jsonl()", () => {
  it("write the query's rows to the file and pass them on", async () => {
    const csv = join(dir, "out.csv");
    const r = await run(`SELECT * FROM write_csv(filename='${csv}', query={ SELECT 1 AS a, 'x,y' AS b, dict(k='"q"') AS c FROM range(end=2) })`);
    expect(r.rows).toHaveLength(2);
    expect(readFileSync(csv, "utf8")).toBe('a,b,c\n1,"x,y","{""k"":""\\""q\\""""}"\n1,"x,y","{""k"":""\\""q\\""""}"\n');
    const jsonl = join(dir, "out.jsonl");
    await run(`SELECT * FROM write_jsonl(filename='${jsonl}', query={ SELECT _value AS n FROM range(end=2) })`);
    await run(`SELECT * FROM write_jsonl(filename='${jsonl}', append=TRUE, query={ SELECT 'z' AS n FROM scope() })`);
    expect(readFileSync(jsonl, "utf8")).toBe('{"n":0}\n{"n":1}\n{"n":"z"}\n');
  });
});

describe("unzip()", () => {
  it("extracts zip members matching the filter, skipping names that leave the directory", async () => {
    const zip = join(dir, "a.zip");
    writeFileSync(zip, zipSync({ "top.txt": strToU8("top"), "sub/inner.log": strToU8("inner"), "../evil.txt": strToU8("evil"), "empty/": new Uint8Array(0) }));
    const out = join(dir, "unz");
    const r = await run(`SELECT OriginalPath, NewPath, Size FROM unzip(filename='${zip}', output_directory='${out}')`);
    expect(r.rows).toEqual([
      { OriginalPath: "top.txt", NewPath: `${out}/top.txt`, Size: 3 },
      { OriginalPath: "sub/inner.log", NewPath: `${out}/sub/inner.log`, Size: 5 },
    ]);
    expect(r.logs.join("\n")).toMatch(/skipped \.\.\/evil\.txt/);
    expect(readFileSync(join(out, "sub", "inner.log"), "utf8")).toBe("inner");
    expect(existsSync(join(dir, "evil.txt"))).toBe(false);
    const only = await run(`SELECT OriginalPath FROM unzip(filename='${zip}', output_directory='${out}2', filename_filter='\\\\.log$')`);
    expect(only.rows).toEqual([{ OriginalPath: "sub/inner.log" }]);
  });

  it("extracts tar.gz archives made by tar(1)", async () => {
    const src = join(dir, "tarsrc");
    mkdirSync(join(src, "d"), { recursive: true });
    writeFileSync(join(src, "d", "f.txt"), "in a tarball");
    const long = "n".repeat(120) + ".txt";
    writeFileSync(join(src, long), "long name");
    const tgz = join(dir, "a.tar.gz");
    execFileSync("tar", ["czf", tgz, "-C", src, "d", long]);
    const out = join(dir, "untar");
    const r = await run(`SELECT OriginalPath, Size FROM unzip(filename='${tgz}', output_directory='${out}') ORDER BY OriginalPath`);
    expect(r.rows).toEqual([
      { OriginalPath: "d/f.txt", Size: 12 },
      { OriginalPath: long, Size: 9 },
    ]);
    expect(readFileSync(join(out, long), "utf8")).toBe("long name");
    // POSIX (pax) archives carry long names in an extended header.
    const pax = join(dir, "pax.tar.gz");
    execFileSync("tar", ["--format=posix", "-czf", pax, "-C", src, long]);
    const p = await run(`SELECT OriginalPath, Size FROM unzip(filename='${pax}', output_directory='${out}-pax')`);
    expect(p.rows).toEqual([{ OriginalPath: long, Size: 9 }]);
  });
});

describe("parse_auditd()", () => {
  // The example event of Red Hat's "Understanding Audit log files" (one file open that failed).
  const LOG = [
    'type=SYSCALL msg=audit(1364481363.243:24287): arch=c000003e syscall=2 success=no exit=-13 a0=7fffd19c5592 a1=0 a2=7fffd19c5592 a3=a items=1 ppid=2686 pid=3538 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=1 comm="cat" exe="/bin/cat" subj=unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023 key="sshd_config"',
    'type=CWD msg=audit(1364481363.243:24287):  cwd="/home/shadowman"',
    'type=PATH msg=audit(1364481363.243:24287): item=0 name="/etc/ssh/sshd_config" inode=409248 dev=fd:00 mode=0100600 ouid=0 ogid=0 rdev=00:00 obj=system_u:object_r:etc_t:s0 objtype=NORMAL',
    "type=PROCTITLE msg=audit(1364481363.243:24287) : proctitle=636174002F6574632F7373682F737368645F636F6E666967",
    "type=USER_LOGIN msg=audit(1364481400.001:24290): pid=1 uid=0 auid=1000 ses=2 msg='op=login acct=\"root\" exe=\"/usr/sbin/sshd\" hostname=? addr=10.0.0.5 terminal=ssh res=success'",
  ].join("\n");

  it("puts the records of one event together", async () => {
    const f = join(dir, "audit.log");
    writeFileSync(f, LOG + "\n");
    const r = await run(`SELECT * FROM parse_auditd(filename='${f}')`);
    expect(r.rows).toHaveLength(2);
    const e = r.rows[0]!;
    expect(e).toMatchObject({
      Timestamp: "2013-03-28T14:36:03.243Z",
      Sequence: 24287,
      RecordType: "SYSCALL",
      Result: "fail",
      Session: "1",
      User: { ids: { auid: "1000", uid: "1000", euid: "1000" } },
      Process: { pid: "3538", ppid: "2686", title: "cat /etc/ssh/sshd_config", name: "cat", exe: "/bin/cat", cwd: "/home/shadowman" },
      Records: ["SYSCALL", "CWD", "PATH", "PROCTITLE"],
    });
    expect((e.Paths as Record<string, unknown>[])[0]).toMatchObject({ name: "/etc/ssh/sshd_config", mode: "0100600" });
    expect(e.Data).toMatchObject({ syscall: "2", exit: "-13", key: "sshd_config" });
    expect(r.rows[1]).toMatchObject({ RecordType: "USER_LOGIN", Result: "success", Process: { exe: "/usr/sbin/sshd" }, Data: { acct: "root", addr: "10.0.0.5" } });
  });

  it("decodes hex-encoded values and ignores lines that are not audit records", () => {
    expect(parseAuditLine("not an audit line")).toBeUndefined();
    expect(parseAuditLine('type=EXECVE msg=audit(1.5:7): argc=2 a0="ls" a1=2D6C2061')?.fields).toEqual({ argc: "2", a0: "ls", a1: "-l a" });
  });
});

describe("sqlite()", () => {
  it("writes changes back to the file, making it when missing (as Generic.Forensic.LocalHashes.Glob keeps its hash database)", async () => {
    const file = join(dir, "made.sqlite");
    rmSync(file, { force: true });
    const made = await run(`LET _ <= SELECT * FROM sqlite(file='${file}', query='CREATE TABLE IF NOT EXISTS hashes (path TEXT, md5 TEXT)')
      SELECT * FROM foreach(row=[dict(p='/a', h='aa'), dict(p='/b', h='bb')], query={ SELECT * FROM sqlite(file='${file}', query='INSERT INTO hashes (path, md5) VALUES (?, ?)', args=[p, h]) })`);
    expect(made).toEqual({ rows: [], logs: [] });
    // Read back by sql.js itself from the file on disk, and by a later query run.
    const SQL = await initSqlJs();
    const back = new SQL.Database(readFileSync(file));
    expect(back.exec("SELECT path, md5 FROM hashes ORDER BY path")[0]!.values).toEqual([["/a", "aa"], ["/b", "bb"]]);
    back.close();
    expect((await run(`SELECT md5 FROM sqlite(file='${file}', query='SELECT md5 FROM hashes WHERE path = ?', args='/b')`)).rows).toEqual([{ md5: "bb" }]);
    // A read of a file that does not exist makes nothing.
    const none = join(dir, "never.sqlite");
    expect((await run(`SELECT * FROM sqlite(file='${none}', query='SELECT 1 AS x')`)).rows).toEqual([{ x: 1 }]);
    expect(existsSync(none)).toBe(false);
  });

  it("runs a query with ? or :name arguments over a database file", async () => {
    const SQL = await initSqlJs();
    const mem = new SQL.Database();
    mem.run("CREATE TABLE urls (id INTEGER, url TEXT, visits INTEGER); INSERT INTO urls VALUES (1, 'https://a.example/', 3), (2, 'https://b.example/', 1), (3, NULL, 0);");
    const file = join(dir, "History");
    writeFileSync(file, mem.export());
    mem.close();
    const all = await run(`SELECT * FROM sqlite(file='${file}', query='SELECT url, visits FROM urls ORDER BY id')`);
    expect(all.rows).toEqual([
      { url: "https://a.example/", visits: 3 },
      { url: "https://b.example/", visits: 1 },
      { url: null, visits: 0 },
    ]);
    const list = await run(`SELECT * FROM sqlite(file='${file}', query='SELECT id FROM urls WHERE visits >= ?', args=[1])`);
    expect(list.rows).toEqual([{ id: 1 }, { id: 2 }]);
    const named = await run(`SELECT * FROM sqlite(file='${file}', query='SELECT id FROM urls WHERE url = :u', args=dict(u='https://b.example/'))`);
    expect(named.rows).toEqual([{ id: 2 }]);
    const bad = await run(`SELECT * FROM sqlite(file='${file}', query='SELECT nope FROM urls')`);
    expect(bad.logs.join("\n")).toMatch(/ERROR sqlite: no such column: nope/);
  });

  it("a query with no statement (a blank line of LocalHashes.Init's SQL) runs nothing and is no error", async () => {
    const file = join(dir, "blank.sqlite");
    expect(await run(`SELECT * FROM sqlite(file='${file}', query='        ')`)).toEqual({ rows: [], logs: [] });
    expect(await run(`SELECT * FROM sqlite(file='${file}', query=' ; ')`)).toEqual({ rows: [], logs: [] });
    // sql.js throws strings for some failures: the message is still the text.
    const bad = await run(`SELECT * FROM sqlite(file='${file}', query='NOT SQL AT ALL')`);
    expect(bad.logs.join("\n")).toMatch(/ERROR sqlite: .*syntax error/);
  });
});

describe("yara()", () => {
  const RULES = `
rule hello : greeting {
  meta:
    author = "talon"
  strings:
    $h = "hello"
    $b = { 41 42 43 }
  condition:
    any of them
}
rule never { strings: $n = "not in the file" condition: $n }`;

  it("reports each matching rule with its metadata and first hit, with context", async () => {
    const f = join(dir, "scan.bin");
    writeFileSync(f, Buffer.concat([Buffer.from([0, 1]), Buffer.from("xxhello ABC")]));
    const r = await run(`SELECT Rule, Meta, String, FileName, File.Size AS Size FROM yara(rules='''${RULES}''', files='${f}', context=2)`);
    expect(r.logs).toEqual([]);
    expect(r.rows).toEqual([
      {
        Rule: "hello",
        Meta: { author: "talon" },
        String: { Name: "$h", Offset: 4, HexData: ["00000002  78 78 68 65 6c 6c 6f 20 41                       xxhello A"], Data: "xxhello A" },
        FileName: f,
        Size: 13,
      },
    ]);
    const data = await run(`SELECT String.Offset AS O FROM yara(rules='''${RULES}''', files='..ABC', accessor='data', start=1)`);
    expect(data.rows).toEqual([{ O: 2 }]);
  });

  it("logs rules that do not compile", async () => {
    const r = await run(`SELECT * FROM yara(rules='rule { }', files='x', accessor='data')`);
    expect(r.rows).toEqual([]);
    expect(r.logs.join("\n")).toMatch(/ERROR yara: rules do not compile: line 1: syntax error/);
  });
});

describe("process_tracker_*() over pslist()", () => {
  it("children, tree, all and pslist know this process under its parent", async () => {
    const me = String(process.pid);
    const parent = String(process.ppid);
    const children = (await one(`process_tracker_children(id='${parent}')`)) as Record<string, unknown>[];
    expect(children.map((c) => c.Id)).toContain(me);
    const tree = (await one(`process_tracker_tree(id='${parent}', data_callback='x => x.Pid')`)) as { id: string; data: unknown; children: { id: string; data: unknown }[] };
    expect(tree.id).toBe(parent);
    expect(tree.data).toBe(process.ppid);
    expect(tree.children.find((c) => c.id === me)?.data).toBe(process.pid);
    expect(((await one("process_tracker_all()")) as Record<string, unknown>[]).some((e) => e.Id === me)).toBe(true);
    const ps = await run(`SELECT Pid, Ppid FROM process_tracker_pslist() WHERE Pid = ${process.pid}`);
    expect(ps.rows).toEqual([{ Pid: process.pid, Ppid: process.ppid }]);
  });
});
