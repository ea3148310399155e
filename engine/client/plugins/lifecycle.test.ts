// STYLE §6 for every agent builtin, table-driven: (1) on this Linux machine, consume one row
// and break: the builtin's producer has finished (its finally ran) and no file descriptors,
// timers, sockets or child processes are left behind; (2) on an endpoint whose every call
// hangs for ever (and ignores the signal), an abort mid-await ends the query within 100 ms.
// Event sources get their rows from something the case does meanwhile (`during`).
import { leftOpen, lifecycleTracker, openResources } from "../../vql/testdata/lifecycle";
import { execFile } from "node:child_process";
import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync, unlinkSync, watch, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { strToU8, zipSync } from "fflate";
import initSqlJs from "sql.js";
import { ClassicLevel } from "classic-level";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { yaraScan } from "./yara-scanner";
import { createRegistry, portableBuiltins, runVql, type Builtin } from "../../vql";
import { MemoryOutbox } from "../connection/outbox";
import { FlowResponder } from "../responder/responder";
import { clientBuiltins } from ".";
import type { AgentVqlHost } from "./host";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { kernelEventsAvailability } from "@/engine/endpoint/builtins/linux/kernel-events";
import type { EndpointSystem } from "@/engine/endpoint/builtins/system";
import { writeEfivarsFixture } from "./testdata/efivars";
import type { ProcessDiagnostics } from "@/engine/endpoint/diagnostics/diagnostics";
import { LogRing } from "@/engine/endpoint/diagnostics/log-ring";
import { processMetrics } from "@/engine/endpoint/diagnostics/process-metrics";
import { newServerKeyPair } from "@/engine/endpoint/crypto-file/format";

const dir = mkdtempSync(join(tmpdir(), "talon-lifecycle-"));
const big = join(dir, "big.bin");
const log = join(dir, "app.log");
const changing = join(dir, "changing.txt");
const fakeJournalctl = join(dir, "journalctl");
const zip = join(dir, "archive.zip");
const db = join(dir, "db.sqlite");
const leveldbDir = join(dir, "leveldb");
const audit = join(dir, "audit.log");
const journal = join(dir, "system.journal");
let server: Server;
const httpSock = join(dir, "http.sock");
let httpServer: HttpServer;

/** This machine, its kernel sending a USER_AVC record every millisecond. */
function auditSystem(): EndpointSystem {
  const linux = createLinuxSystem();
  async function* follow(signal: AbortSignal) {
    for (let i = 1; !signal.aborted; i++) {
      yield { type: "USER_AVC", text: `audit(1700000000.000:${i}): pid=1 uid=0 msg='n=${i}'` };
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  return { ...linux, events: { ...linux.events!, audit: { unavailable: () => undefined, follow } } };
}

/** This machine, its process connector stood in for: an exec of this process every millisecond. */
function kernelSystem(): EndpointSystem {
  const linux = createLinuxSystem();
  async function* processEvents(signal: AbortSignal) {
    while (!signal.aborted) {
      yield { items: [{ kind: "exec" as const, pid: process.pid, tgid: process.pid, cpu: 0, monotonicNs: process.hrtime.bigint() }], dropped: 0 };
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  const kernel = { ...linux.events!.kernel!, unavailable: () => undefined, processEvents };
  return { ...linux, events: { ...linux.events!, kernel } };
}

/** Every 50 ms, `f()` (returns the stop function). */
const every = (f: () => void) => () => {
  const t = setInterval(f, 50);
  return () => clearInterval(t);
};

/**
 * Each case: a query whose rows come from the builtin (functions are called once per row),
 * optionally its own endpoint, and what to do while it runs so that an event source has rows.
 */
/** `hangVql`: what the abort test runs when the builtin waits on something other than the endpoint system (a server that never answers). */
const CASES: Record<string, { vql: string; hangVql?: string; needsFlow?: boolean; system?: () => EndpointSystem; during?: () => () => void }> = {
  info: { vql: "SELECT * FROM info()" },
  pslist: { vql: "SELECT * FROM pslist()" },
  getpid: { vql: "SELECT * FROM pslist(pid=getpid())" },
  users: { vql: "SELECT * FROM users()" },
  uptime: { vql: "SELECT uptime() AS U FROM range(end=1000000)" },
  netstat: { vql: "SELECT * FROM netstat()" },
  connections: { vql: "SELECT * FROM connections()" },
  interfaces: { vql: "SELECT * FROM interfaces()" },
  glob: { vql: `SELECT * FROM glob(globs='**', root='${dir}')` },
  vfs_ls: { vql: `SELECT * FROM vfs_ls(path='${dir}', depth=30)` },
  "stat (plugin)": { vql: `SELECT * FROM stat(filename=['${big}', '${dir}'])` },
  "read_file()": { vql: `SELECT read_file(filename='${big}', length=1000000) AS D FROM range(end=1000000)` },
  hash: { vql: `SELECT hash(path='${big}') AS H FROM range(end=1000000)` },
  tlsh_hash: { vql: `SELECT tlsh_hash(path='${big}') AS H FROM range(end=1000000)` },
  upload: { vql: `SELECT upload(file='${big}') AS U FROM range(end=1000000)`, needsFlow: true },
  execve: { vql: "SELECT * FROM execve(argv=['yes'], length=64)", needsFlow: true },
  // A pid no process has (pid_max is at most 2^22): each call is ESRCH, logged, NULL.
  pskill: { vql: "SELECT pskill(pid=2147483646) AS K FROM range(end=1000000)", needsFlow: true },
  // The session's reader stops (break, abort): its program is killed.
  shell_session: { vql: "LET S <= shell_session(name='lifecycle', argv=['yes']) SELECT * FROM foreach(row=S.Query)", needsFlow: true },
  // The query that started the session ends: its program is killed.
  shell_session_control: {
    vql: "LET S <= shell_session(name='lifecycle-control', argv=['cat']) SELECT shell_session_control(name='lifecycle-control', stdin='x') AS C FROM range(end=1000000)",
    hangVql: "LET S <= shell_session(name='lifecycle-control', argv=['cat']) SELECT shell_session_control(name='lifecycle-control', stdin=Stdout) AS C FROM foreach(row=S.Query)",
    needsFlow: true,
  },
  watch_syslog: { vql: `SELECT * FROM watch_syslog(filename='${log}')`, during: every(() => appendFileSync(log, "a line\n")) },
  watch_journald: { vql: "SELECT * FROM watch_journald()", system: () => createLinuxSystem({ journalctl: fakeJournalctl }) },
  watch_files: {
    vql: `SELECT * FROM watch_files(globs='${changing}')`,
    during: every(() => {
      try {
        unlinkSync(changing);
      } catch {
        writeFileSync(changing, "x");
      }
    }),
  },
  process_tracker_get: { vql: "SELECT process_tracker_get(id=1) AS P FROM range(end=1000000)" },
  process_tracker_callchain: { vql: "SELECT process_tracker_callchain(id=1) AS C FROM range(end=1000000)" },
  process_tracker_children: { vql: "SELECT process_tracker_children(id=1) AS C FROM range(end=1000000)" },
  process_tracker_tree: { vql: "SELECT process_tracker_tree(id=1) AS T FROM range(end=1000000)" },
  process_tracker_all: { vql: "SELECT process_tracker_all() AS A FROM range(end=1000000)" },
  process_tracker_pslist: { vql: "SELECT * FROM process_tracker_pslist()" },
  process_tracker: {
    vql: `SELECT process_tracker(sync_query={ SELECT Pid AS id, Ppid AS parent_id, CreateTime AS start_time, dict(Name=Name) AS data FROM pslist() }, sync_period=50,
      update_query={ SELECT 1 AS id, 'exit' AS update_type FROM clock(ms=20) }) AS T FROM range(end=1000000)`,
  },
  process_tracker_updates: {
    vql: `LET T <= process_tracker(sync_query={ SELECT Pid AS id, Ppid AS parent_id, CreateTime AS start_time, dict(Name=Name) AS data FROM pslist() }, sync_period=50,
      update_query={ SELECT 1 AS id, 'exit' AS update_type FROM clock(ms=20) })
    SELECT * FROM process_tracker_updates()`,
  },
  expand: { vql: "SELECT expand(path='$HOME') AS E FROM range(end=1000000)" },
  "environ()": { vql: "SELECT environ(var='PATH') AS E FROM range(end=1000000)" },
  "environ (plugin)": { vql: "SELECT * FROM environ()" },
  host: { vql: "SELECT host(name='localhost') AS H FROM range(end=3)" },
  sysinfo: { vql: "SELECT sysinfo() AS S FROM range(end=1000000)" },
  "stat()": { vql: `SELECT stat(filename='${big}') AS S FROM range(end=1000000)` },
  "read_file (plugin)": { vql: `SELECT * FROM read_file(filenames='${big}', chunk=1000)` },
  magic: { vql: `SELECT magic(path='${big}') AS M FROM range(end=1000000)` },
  tempfile: { vql: "SELECT tempfile(data='x') AS T FROM range(end=1000000)" },
  tempdir: { vql: "SELECT tempdir() AS T FROM range(end=1000000)" },
  copy: { vql: `SELECT copy(filename='${dir}/small.txt', dest='${dir}/copy.bin') AS C FROM range(end=1000000)` },
  rm: { vql: `SELECT rm(filename='${dir}/never-there') AS R FROM range(end=1000000)` },
  write_csv: { vql: `SELECT * FROM write_csv(filename='${dir}/out.csv', query={ SELECT * FROM range(end=1000000) })` },
  write_jsonl: { vql: `SELECT * FROM write_jsonl(filename='${dir}/out.jsonl', query={ SELECT * FROM range(end=1000000) })` },
  unzip: { vql: `SELECT * FROM unzip(filename='${zip}', output_directory='${dir}/unzipped')` },
  parse_auditd: { vql: `SELECT * FROM parse_auditd(filename='${audit}')` },
  // The kernel's records stand in (a user message each); audit.test.ts reads the real ones.
  audit: { vql: "SELECT * FROM audit()", system: auditSystem },
  // The kernel's process events connector, a process spawned every 50 ms (without the addon or
  // root, a stand-in connector; ebpf.test.ts reads the real one).
  watch_ebpf: { vql: "SELECT * FROM watch_ebpf(events='sched_process_exec')", during: every(() => execFile("true", () => {})), ...(kernelEventsAvailability() ? { system: kernelSystem } : {}) },
  parse_journald: { vql: `SELECT * FROM parse_journald(filename='${journal}')` },
  http_client: { vql: `SELECT * FROM http_client(url='${httpSock}:unix/big', chunk_size=65536)`, hangVql: `SELECT * FROM http_client(url='${httpSock}:unix/hang')` },
  proc_yara: { vql: `SELECT * FROM proc_yara(rules='rule s { strings: $a = "a" condition: $a }', pid=${process.pid})` },
  yara: { vql: `SELECT * FROM yara(rules='rule s { strings: $a = "small" condition: $a }', files=['${dir}/small.txt', '${dir}/small.txt', '${dir}/small.txt'])` },
  sqlite: { vql: `SELECT * FROM sqlite(file='${db}', query='SELECT * FROM t')` },
  leveldb: { vql: `SELECT * FROM leveldb(file='${leveldbDir}')` },
  index: { vql: `SELECT * FROM index(query={ SELECT * FROM range(end=1000000) }, output='${dir}/life.idx', purge=TRUE, batch=100)` },
  index_search: {
    vql: `LET _ <= SELECT * FROM index(query={ SELECT * FROM range(end=300) }, output='${dir}/search.idx', purge=TRUE, silent=TRUE)
    SELECT * FROM index_search(path='${dir}/search.idx', search='*')`,
  },
  efivariables: { vql: "SELECT * FROM efivariables(value=TRUE)", system: () => createLinuxSystem({ efivarsRoot: join(dir, "efivars") }) },
  profile: { vql: "SELECT * FROM profile(logs=TRUE, metrics=TRUE, queries=TRUE)", hangVql: "SELECT * FROM profile(profile=TRUE, duration=60)" },
  profile_goroutines: { vql: "SELECT * FROM profile_goroutines()", hangVql: "SELECT * FROM profile_goroutines() WHERE sleep(time=60)" },
  profile_memory: { vql: "SELECT * FROM profile_memory()", hangVql: "SELECT * FROM profile_memory() WHERE sleep(time=60)" },
  trace: { vql: "SELECT trace() AS T FROM range(end=1000000)", needsFlow: true },
  logging: { vql: "SELECT * FROM logging(prelog=TRUE)" },
  rekey: { vql: "SELECT rekey(wait=0) AS R FROM range(end=1000000)" },
  write_crypto_file: { vql: `SELECT * FROM write_crypto_file(filename='${dir}/out.crypt', max_rows=100, max_wait=1, max_size=100000, query={ SELECT * FROM range(end=1000000) })` },
  collect: {
    vql: `SELECT * FROM collect(artifacts='Custom.L', output='${dir}/collect.zip', password='pw', artifact_definitions='''name: Custom.L
sources:
  - query: SELECT upload(file='${dir}/small.txt', name=str(str=_value)) AS U FROM range(end=10)
''')`,
  },
};

/** A builtin's key in CASES: its name, with `()` or ` (plugin)` for a name both kinds have. */
const caseKey = (b: Builtin) => (clientBuiltins.filter((o) => o.name === b.name).length > 1 ? (b.kind === "function" ? `${b.name}()` : `${b.name} (plugin)`) : b.name);
const baseName = (key: string) => key.replace(/(\(\)| \(plugin\))$/, "");

const { finished, tracked } = lifecycleTracker();
const names = new Set(clientBuiltins.map((b) => b.name));
const registry = createRegistry([...portableBuiltins.filter((b) => !names.has(b.name)), ...clientBuiltins.map(tracked)]);

const LIFE_SERVER_KEY = newServerKeyPair().publicKey;

/** The agent's diagnostics as the developer builtins see them: a few log lines, or (hanging) never an answer. */
function diagnosticsFor(hanging: boolean): ProcessDiagnostics {
  if (hanging) {
    const never = <T>() => new Promise<T>(() => {});
    return { component: "client", logs: never, queries: never, metrics: never, rekey: never, serverPublicKey: never };
  }
  const ring = new LogRing();
  for (let i = 0; i < 5; i++) ring.push("info", `line ${i}`, "client");
  return { component: "client", logs: (after) => ring.since(after), queries: () => [{ Start: new Date(0).toISOString(), Duration: 0, Query: "SELECT 1" }], metrics: () => processMetrics(), rekey: () => "C.0123456789abcdef", serverPublicKey: () => LIFE_SERVER_KEY };
}

function hostFor(system: EndpointSystem, needsFlow?: boolean, hanging = false): AgentVqlHost {
  const diagnostics = diagnosticsFor(hanging);
  if (!needsFlow) return { system, diagnostics };
  return { system, diagnostics, flow: { flowId: "F.LIFECYCLE", artifact: "Test", responder: new FlowResponder(new MemoryOutbox(), "F.LIFECYCLE"), permissions: new Set(["EXECVE", "FILESYSTEM_WRITE"]) } };
}

/** Open file descriptors and Node's active handles by type (timers, sockets, pipes, processes). */
beforeAll(async () => {
  // yara()/proc_yara() scan in one worker thread shared by every query (yara-scanner.ts); it is
  // started here so its own descriptors (its event loop's) are not counted as a query's.
  await yaraScan(new Uint8Array(1), "rule warm { condition: false }", new AbortController().signal);
  writeFileSync(big, Buffer.alloc(3 * 1024 * 1024, 7));
  writeFileSync(join(dir, "small.txt"), "small");
  writeEfivarsFixture(join(dir, "efivars"));
  writeFileSync(zip, zipSync({ "a.txt": strToU8("a"), "sub/b.txt": strToU8("b"), "c.txt": strToU8("c") }));
  const SQL = await initSqlJs();
  const memory = new SQL.Database();
  memory.run("CREATE TABLE t (n INTEGER); WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5000) INSERT INTO t SELECT n FROM c;");
  writeFileSync(db, memory.export());
  memory.close();
  const level = new ClassicLevel(leveldbDir);
  await level.open();
  await level.batch(Array.from({ length: 2000 }, (_, i) => ({ type: "put" as const, key: `k${i}`, value: "v".repeat(100) })));
  await level.close();
  const event = (n: number) => `type=SYSCALL msg=audit(1700000000.${n}:${n}): syscall=59 success=yes pid=${n} comm="sh" exe="/bin/sh"\ntype=EOE msg=audit(1700000000.${n}:${n}): \n`;
  writeFileSync(audit, Array.from({ length: 100 }, (_, i) => event(i + 1)).join(""));
  // A real journal file of four entries (parse-journald.test.ts says how it was made).
  writeFileSync(journal, gunzipSync(readFileSync(new URL("./testdata/journald/compact.journal.gz", import.meta.url))));
  // A journalctl that prints one entry, then waits like `journalctl -f` does.
  writeFileSync(fakeJournalctl, `#!/bin/sh\necho '{"__REALTIME_TIMESTAMP":"1700000000000000","MESSAGE":"hello"}'\nexec sleep 60\n`);
  chmodSync(fakeJournalctl, 0o755);
  // libuv opens one inotify descriptor per event loop the first time anything is watched and
  // keeps it: open it now, so that it is not counted as left open by watch_files().
  watch(dir).close();
  // A listening socket, so netstat() and connections() have rows.
  // http_client(): 64 KiB every 20 ms for 4 s over a Unix socket, so a break or an abort lands
  // mid-body.
  httpServer = createHttpServer((req, res) => {
    if (req.url === "/hang") return; // never answers
    let n = 0;
    const t = setInterval(() => {
      if (n++ >= 200) {
        clearInterval(t);
        res.end();
      } else res.write(Buffer.alloc(64 * 1024, 120));
    }, 20);
    req.socket.once("close", () => clearInterval(t));
  });
  await new Promise<void>((r) => httpServer.listen(httpSock, r));
  server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  httpServer.closeAllConnections();
  await new Promise((r) => httpServer.close(r));
  rmSync(dir, { recursive: true, force: true });
});

it("the table covers every agent builtin", () => {
  expect(Object.keys(CASES).sort()).toEqual(clientBuiltins.map(caseKey).sort());
});

describe("agent builtins: one row, then break", () => {
  const system = createLinuxSystem();
  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}(): the producer finished and nothing is left open`, async () => {
      const host = hostFor(c.system?.() ?? system, c.needsFlow);
      const stop = c.during?.();
      const before = openResources();
      // Warm up once (lazy module state, first-use caches), then measure.
      for await (const e of runVql(c.vql, { registry, host })) if (e.kind === "row") break;
      finished.delete(baseName(name));
      let rows = 0;
      for await (const e of runVql(c.vql, { registry, host })) {
        if (e.kind === "row") {
          rows++;
          break;
        }
      }
      stop?.();
      expect(rows).toBe(1);
      expect(finished.has(baseName(name))).toBe(true);
      expect(await leftOpen(before)).toEqual({});
    });
  }
});

/** An endpoint where every call waits for ever and ignores the signal. */
function hangingSystem(): EndpointSystem {
  const never = <T>() => new Promise<T>(() => {});
  const hang = <T>(): AsyncIterable<T> => ({ [Symbol.asyncIterator]: () => ({ next: () => never<IteratorResult<T>>() }) });
  return {
    info: never,
    processes: hang,
    connections: hang,
    users: never,
    interfaces: never,
    uptime: never,
    fs: { glob: hang, stat: never, read: hang },
    execve: hang,
    kill: never,
    // A program that never writes and never exits.
    spawnShell: () => ({ onOutput() {}, onExit() {}, write() {}, closeStdin() {}, pause() {}, resume() {}, kill() {} }),
    events: {
      followLines: never,
      journal: hang,
      watchFiles: hang,
      audit: { unavailable: () => undefined, follow: hang },
      kernel: { unavailable: () => undefined, processEvents: hang, packets: hang, task: never, socketOwner: never },
    },
    writer: { tempDir: () => tmpdir(), open: never, mkdtemp: never, remove: never },
    environ: never,
    resolve: never,
    sysinfo: never,
    efiVariables: { list: never, read: never },
  };
}

describe("agent builtins: abort while the endpoint hangs", () => {
  const system = hangingSystem();
  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}(): the query ends within 100 ms of the abort`, async () => {
      const ac = new AbortController();
      let abortedAt = 0;
      setTimeout(() => {
        abortedAt = performance.now();
        ac.abort();
      }, 30);
      const events: string[] = [];
      for await (const e of runVql(c.hangVql ?? c.vql, { registry, host: hostFor(system, c.needsFlow, true), signal: ac.signal })) events.push(e.kind);
      expect(abortedAt).toBeGreaterThan(0);
      expect(performance.now() - abortedAt).toBeLessThan(100);
      expect(events).not.toContain("row");
    });
  }
});
