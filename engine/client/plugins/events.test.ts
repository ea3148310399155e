// The agent's event sources on this Linux machine, through the VQL engine: watch_syslog()
// follows appends, rotation and truncation; watch_journald() runs journalctl (a stand-in that
// prints entries, and the real one) and kills it on abort; watch_files() reports created,
// modified and deleted files through inotify; pslist() gives the CPU times Generic.Client.Stats
// reads. Each query runs in the background and is aborted once the expected rows are in.
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runVql, toJsonValue } from "@/engine/vql";
import { agentRegistry } from "@/engine/client/plugins";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import type { EndpointSystem } from "@/engine/endpoint/builtins/system";

const dir = mkdtempSync(join(tmpdir(), "talon-events-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Row = Record<string, unknown>;

/** Runs `vql` until stop(); rows and log lines collect as they come. */
function background(vql: string, system: EndpointSystem = createLinuxSystem()) {
  const ac = new AbortController();
  const rows: Row[] = [];
  const logs: string[] = [];
  const done = (async () => {
    for await (const e of runVql(vql, { registry: agentRegistry(), host: { system }, signal: ac.signal })) {
      if (e.kind === "row") rows.push(toJsonValue(e.row) as Row);
      if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
    }
  })();
  const until = async (what: string, ok: () => boolean, ms = 8000) => {
    const end = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; rows ${JSON.stringify(rows)}; logs ${logs.join(" | ")}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return {
    rows,
    logs,
    until,
    /** Aborts and resolves when the query has ended. */
    async stop() {
      ac.abort();
      await done;
    },
  };
}

const lines = (rows: Row[]) => rows.map((r) => r.Line);

describe("watch_syslog()", () => {
  it("yields only lines written after it starts, then follows the file through rotation and truncation", async () => {
    const log = join(dir, "auth.log");
    writeFileSync(log, "old 1\nold 2\n");
    const q = background(`SELECT OSPath, Line FROM watch_syslog(filename='${log}')`);
    await q.until("the watcher", () => q.logs.some((l) => l.includes("watch_syslog: following")));
    appendFileSync(log, "new 1\nnew 2\npartial");
    await q.until("two lines", () => q.rows.length >= 2);
    expect(q.rows).toEqual([
      { OSPath: log, Line: "new 1" },
      { OSPath: log, Line: "new 2" },
    ]);
    // logrotate: the old file moves away (and still gets the end of a line), a new one starts.
    appendFileSync(log, " line\n");
    renameSync(log, `${log}.1`);
    appendFileSync(`${log}.1`, "last in old\n");
    writeFileSync(log, "first in new\n");
    await q.until("the rotated lines", () => q.rows.length >= 5);
    // copytruncate: the same file is emptied and written again, past where reading was (the
    // bytes before that position changed) and then shorter than before (it shrank).
    writeFileSync(log, "after truncate\n");
    await q.until("the truncated file's line", () => q.rows.length >= 6);
    writeFileSync(log, "short\n");
    await q.until("the shrunk file's line", () => q.rows.length >= 7);
    await q.stop();
    expect(lines(q.rows)).toEqual(["new 1", "new 2", "partial line", "last in old", "first in new", "after truncate", "short"]);
  });

  it("reads a file that appears later from its start, and splits lines longer than buffer_size", async () => {
    const later = join(dir, "later.log");
    const q = background(`SELECT Line FROM watch_syslog(filename='${later}', buffer_size=4)`);
    await q.until("the watcher", () => q.logs.some((l) => l.includes("watch_syslog: following")));
    writeFileSync(later, "ab\nabcdefghij\n");
    await q.until("the lines", () => q.rows.length >= 4);
    await q.stop();
    expect(lines(q.rows)).toEqual(["ab", "abcd", "efgh", "ij"]);
  });

  it("follows the files a query finds; a file found later is read from its start", async () => {
    const logs = join(dir, "logs");
    mkdirSync(logs);
    writeFileSync(join(logs, "a.log"), "a old\n");
    const q = background(`SELECT OSPath, Line FROM watch_syslog(query={ SELECT OSPath FROM glob(globs='${logs}/*.log') })`);
    await q.until("the watcher", () => q.logs.some((l) => l.includes(`following ${logs}/a.log`)));
    appendFileSync(join(logs, "a.log"), "a new\n");
    writeFileSync(join(logs, "b.log"), "b first\n");
    await q.until("both files' lines", () => q.rows.length >= 2, 10_000);
    await q.stop();
    expect(q.rows).toEqual(expect.arrayContaining([{ OSPath: join(logs, "a.log"), Line: "a new" }, { OSPath: join(logs, "b.log"), Line: "b first" }]));
    expect(q.rows).toHaveLength(2);
  });

  it("needs a file or a query, and refuses accessors the agent does not have", async () => {
    const none = background("SELECT * FROM watch_syslog()");
    await none.until("the error", () => none.logs.length > 0);
    await none.stop();
    expect(none.logs).toEqual(["ERROR watch_syslog: needs `filename` or `query`"]);
    const ntfs = background("SELECT * FROM watch_syslog(filename='x', accessor='ntfs')");
    await ntfs.until("the error", () => ntfs.logs.length > 0);
    await ntfs.stop();
    expect(ntfs.logs[0]).toMatch(/^ERROR watch_syslog: accessor `ntfs` is not available/);
  });
});

describe("watch_journald()", () => {
  const fake = join(dir, "fake-journalctl");
  const argsFile = join(dir, "journalctl.args");
  const pidFile = join(dir, "journalctl.pid");
  // Two entries as `journalctl -o json` prints them (one with a binary field), then it waits.
  const entries = [
    { __CURSOR: "s=abc;i=1f;b=def;m=1;t=2;x=3", __REALTIME_TIMESTAMP: "1700000000123456", _PID: "812", _UID: "0", _COMM: "sshd", PRIORITY: "6", SYSLOG_IDENTIFIER: "sshd", MESSAGE: "Accepted password for alice from 10.1.2.3 port 5022 ssh2" },
    { __CURSOR: "s=abc;i=20", __REALTIME_TIMESTAMP: "1700000001000000", MESSAGE: [104, 105] },
  ];
  writeFileSync(fake, `#!/bin/sh\necho "$@" > '${argsFile}'\necho $$ > '${pidFile}'\n${entries.map((e) => `echo '${JSON.stringify(e)}'`).join("\n")}\nexec sleep 60\n`);
  chmodSync(fake, 0o755);

  it("yields journalctl's entries as System and EventData, and kills journalctl when the query stops", async () => {
    const q = background("SELECT System, EventData FROM watch_journald(filename=['/var/log/journal/x/system.journal'])", createLinuxSystem({ journalctl: fake }));
    await q.until("two entries", () => q.rows.length >= 2);
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(readFileSync(argsFile, "utf8").trim()).toBe("--follow --lines=0 --output=json --all --no-pager --quiet --file=/var/log/journal/x/system.journal");
    await q.stop();
    expect(q.rows[0]).toEqual({
      System: { Seq: 31, Timestamp: "2023-11-14T22:13:20.123456Z", _PID: 812, _UID: 0, _COMM: "sshd" },
      EventData: { PRIORITY: 6, SYSLOG_IDENTIFIER: "sshd", MESSAGE: "Accepted password for alice from 10.1.2.3 port 5022 ssh2" },
    });
    expect(q.rows[1]).toEqual({ System: { Seq: 32, Timestamp: "2023-11-14T22:13:21Z" }, EventData: { MESSAGE: "hi" } });
    await waitGone(pid);
  });

  it("an inner LIMIT stops journalctl at once, while the rest of the query goes on", async () => {
    const q = background("SELECT * FROM chain(a={ SELECT System.Seq AS Seq FROM watch_journald() LIMIT 1 }, b={ SELECT * FROM clock(period=30) })", createLinuxSystem({ journalctl: fake }));
    await q.until("the entry", () => q.rows.length >= 1);
    await waitGone(Number(readFileSync(pidFile, "utf8")));
    expect(q.rows).toEqual([{ Seq: 31 }]);
    await q.stop();
  });

  it("with raw=TRUE gives Timestamp and every field as text", async () => {
    const q = background("SELECT * FROM watch_journald(raw=TRUE)", createLinuxSystem({ journalctl: fake }));
    await q.until("an entry", () => q.rows.length >= 1);
    await q.stop();
    expect(q.rows[0]).toEqual({ Timestamp: "2023-11-14T22:13:20.123456Z", _PID: "812", _UID: "0", _COMM: "sshd", PRIORITY: "6", SYSLOG_IDENTIFIER: "sshd", MESSAGE: entries[0]!.MESSAGE });
  });

  it.runIf(existsSync("/usr/bin/journalctl") || existsSync("/bin/journalctl"))("runs the real journalctl -f until aborted, leaving no process behind", async () => {
    const q = background("SELECT * FROM watch_journald()");
    await new Promise((r) => setTimeout(r, 500));
    const children = childPids();
    expect(children.some((c) => c.comm === "journalctl")).toBe(true);
    await q.stop();
    expect(q.logs.filter((l) => l.includes("watch_journald"))).toEqual([]);
    for (const c of children.filter((x) => x.comm === "journalctl")) await waitGone(c.pid);
  });

  it("logs an error when journalctl is missing", async () => {
    const q = background("SELECT * FROM watch_journald()", createLinuxSystem({ journalctl: join(dir, "no-such-journalctl") }));
    await q.until("the error", () => q.logs.length > 0);
    await q.stop();
    expect(q.logs[0]).toMatch(/^ERROR watch_journald: spawn .*no-such-journalctl ENOENT/);
  });
});

describe("watch_files()", () => {
  it("reports files created, modified and deleted, in directories created later too, and ignores other files", async () => {
    const root = join(dir, "watched");
    mkdirSync(root);
    writeFileSync(join(root, "existing.conf"), "x");
    const q = background(`SELECT Action, OSPath, Size, IsDir FROM watch_files(globs='${root}/**/*.conf')`);
    await q.until("the watch", () => q.logs.some((l) => l.includes("watch_files: watching")));
    const f = join(root, "new.conf");
    writeFileSync(f, "abc");
    await q.until("created", () => q.rows.length >= 1);
    appendFileSync(f, "defg");
    await q.until("modified", () => q.rows.length >= 2);
    writeFileSync(join(root, "ignored.txt"), "no");
    unlinkSync(f);
    await q.until("deleted", () => q.rows.length >= 3);
    mkdirSync(join(root, "sub", "deeper"), { recursive: true });
    writeFileSync(join(root, "sub", "deeper", "later.conf"), "12");
    await q.until("the file in the new directory", () => q.rows.length >= 4);
    await q.stop();
    expect(q.rows).toEqual([
      { Action: "created", OSPath: f, Size: 3, IsDir: false },
      { Action: "modified", OSPath: f, Size: 7, IsDir: false },
      { Action: "deleted", OSPath: f, Size: 7, IsDir: false },
      { Action: "created", OSPath: join(root, "sub", "deeper", "later.conf"), Size: 2, IsDir: false },
    ]);
  });
});

describe("pslist() CPU times and getpid()", () => {
  it("gives this process's Times and memory, as Generic.Client.Stats reads them", async () => {
    let rows: Row[] = [];
    for await (const e of runVql("SELECT Pid, Times.user + Times.system AS CPU, MemoryInfo.RSS AS RSS FROM pslist(pid=getpid())", { registry: agentRegistry(), host: { system: createLinuxSystem() } })) {
      if (e.kind === "row") rows = [...rows, toJsonValue(e.row) as Row];
    }
    const usage = process.cpuUsage();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.Pid).toBe(process.pid);
    // /proc counts in clock ticks (10 ms): within a tick or two of what Node measures.
    expect(Math.abs((rows[0]!.CPU as number) - (usage.user + usage.system) / 1e6)).toBeLessThan(0.5);
    expect(rows[0]!.RSS).toBeGreaterThan(10 * 1024 * 1024);
  });
});

/** This process's children (pid and command name). */
function childPids(): Array<{ pid: number; comm: string }> {
  const out: Array<{ pid: number; comm: string }> = [];
  for (const tid of readdirSafe(`/proc/${process.pid}/task`)) {
    for (const c of readFileSafe(`/proc/${process.pid}/task/${tid}/children`).split(" ").filter(Boolean)) out.push({ pid: Number(c), comm: readFileSafe(`/proc/${c}/comm`).trim() });
  }
  return out;
}

function readFileSafe(p: string): string {
  try {
    return readFileSync(p, "utf8");
  } catch {
    return "";
  }
}

function readdirSafe(p: string): string[] {
  try {
    return readdirSync(p);
  } catch {
    return [];
  }
}

/** Resolves once `pid` has exited (or fails after 2 s). */
async function waitGone(pid: number) {
  const end = Date.now() + 2000;
  for (;;) {
    const state = readFileSafe(`/proc/${pid}/stat`).split(") ")[1]?.[0];
    if (!state || state === "Z") return;
    if (Date.now() > end) throw new Error(`process ${pid} still running`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
