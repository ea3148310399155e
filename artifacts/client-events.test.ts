// The built-in CLIENT_EVENT artifacts, compiled as a collection compiles them and run by the
// agent's VQL runner on this Linux machine: each query runs in the background while the test
// makes the event happen (a process, a log line, a file change), and is aborted once the rows
// it expects are in.
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileArtifact, loadArtifact, resolveParameters, type Artifact } from "@/engine/artifacts";
import { MemoryOutbox } from "@/engine/client/connection/outbox";
import { createVqlRunner } from "@/engine/client/executor/vql-runner";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import type { EndpointSystem } from "@/engine/endpoint/builtins/system";
import { FlowResponder } from "@/engine/client/responder/responder";
import { BUILTIN_DEFINITIONS_DIR, readArtifactFiles } from "@/engine/server/services/artifacts/files";

type Row = Record<string, unknown>;

const dir = mkdtempSync(join(tmpdir(), "talon-client-events-"));
const artifacts = new Map<string, Artifact>();
beforeAll(async () => {
  for (const f of await readArtifactFiles([BUILTIN_DEFINITIONS_DIR])) {
    const a = loadArtifact(f.text).artifact;
    if (a) artifacts.set(a.name, a);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the artifact's source (precondition first) until stop(); rows and logs collect. */
function start(name: string, parameters: Record<string, string> = {}, system: EndpointSystem = createLinuxSystem()) {
  const a = artifacts.get(name)!;
  expect(a.type).toBe("CLIENT_EVENT");
  const [source] = compileArtifact(a, (n) => artifacts.get(n)).sources;
  const env = resolveParameters(a, parameters);
  if (!env.ok) throw new Error(env.error);
  const ac = new AbortController();
  const ctx = { flowId: "F.EVENTS", artifact: name, env: env.env, signal: ac.signal, maxRows: 1_000_000, permissions: new Set<string>(), responder: new FlowResponder(new MemoryOutbox(), "F.EVENTS") };
  const runner = createVqlRunner(system);
  const rows: Row[] = [];
  const logs: string[] = [];
  const done = (async () => {
    if (source!.precondition && !(await runner.precondition(source!.precondition, ctx))) throw new Error(`${name}: precondition false`);
    for await (const e of runner.run(source!.query, ctx)) {
      if (e.kind === "row") rows.push(e.row);
      else if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
      else logs.push(`ALERT ${e.name}`);
    }
  })();
  done.catch(() => {});
  return {
    rows,
    logs,
    async until(what: string, ok: () => boolean, ms = 10_000) {
      for (const end = Date.now() + ms; !ok(); await new Promise((r) => setTimeout(r, 25))) {
        if (Date.now() > end) throw new Error(`${name}: timed out waiting for ${what}; rows ${JSON.stringify(rows)}; logs ${logs.join(" | ")}`);
      }
    },
    async stop() {
      ac.abort();
      await done;
      // The only error a stopped event query may log is its cancellation.
      expect(logs.filter((l) => l.startsWith("ERROR") && !l.includes("query cancelled"))).toEqual([]);
    },
  };
}

const watching = (q: { logs: string[] }) => q.logs.some((l) => l.includes("watch_syslog: following") && !l.includes("no files yet"));

describe("Linux.Events.ProcessCreation", () => {
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach((c) => c.kill("SIGKILL")));

  it("reports a new process with its command line, owner, executable and parent within a few seconds", async () => {
    const q = start("Linux.Events.ProcessCreation", { Period: "0.5" });
    // Started processes appear from the second read of /proc on: start one (with a command
    // line no other process has) every 700 ms until one is reported.
    const mine = new Map<number, string>();
    const spawner = setInterval(() => {
      const secs = `3.${Date.now() % 100000}${children.length}`;
      const c = spawn("sleep", [secs], { stdio: "ignore" });
      children.push(c);
      mine.set(c.pid!, `sleep ${secs}`);
    }, 700);
    try {
      await q.until("one of the sleeps", () => q.rows.some((r) => mine.has(r.Pid as number)), 15_000);
    } finally {
      clearInterval(spawner);
    }
    await q.stop();
    const row = q.rows.find((r) => mine.has(r.Pid as number))!;
    expect(Object.keys(row)).toEqual(["Timestamp", "Pid", "Ppid", "Name", "Exe", "CommandLine", "Username", "ParentCommandLine"]);
    expect(row).toMatchObject({ Ppid: process.pid, Name: "sleep", Exe: expect.stringMatching(/\/sleep$/), CommandLine: mine.get(row.Pid as number), ParentCommandLine: expect.stringContaining("node") });
    expect(row.Username).toBe(userInfo().username);
    expect(Math.abs(Date.parse(row.Timestamp as string) - Date.now())).toBeLessThan(10_000);
    // Only new processes: this test's own process was there from the start.
    expect(q.rows.some((r) => r.Pid === process.pid)).toBe(false);
  });
});

describe("Linux.Events.SSHLogin", () => {
  it("reports accepted and failed logins from the auth log, in both syslog time formats", async () => {
    const log = join(dir, "auth.log");
    writeFileSync(log, "Jan  1 00:00:00 host sshd[1]: Accepted password for old from 10.0.0.1 port 1 ssh2\n");
    const q = start("Linux.Events.SSHLogin", { syslogAuthLogPath: log });
    await q.until("the auth log being followed", () => watching(q));
    appendFileSync(
      log,
      [
        "Mar  7 09:15:02 web1 sshd[4242]: Accepted publickey for alice from 192.0.2.10 port 50522 ssh2: ED25519 SHA256:abc",
        "Mar  7 09:15:03 web1 CRON[99]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)",
        "2026-03-07T09:16:00.123456+00:00 web1 sshd-session[4250]: Failed password for invalid user admin from 2001:db8::7 port 40000 ssh2",
        "2026-03-07T09:16:01.000000+00:00 web1 sshd[4251]: Invalid user admin from 2001:db8::7 port 40001",
        "",
      ].join("\n"),
    );
    await q.until("two logins", () => q.rows.length >= 2);
    await q.stop();
    const year = new Date().getUTCFullYear();
    expect(q.rows).toEqual([
      { Time: `${year}-03-07T09:15:02Z`, Result: "Accepted", User: "alice", Method: "publickey", SourceIP: "192.0.2.10", Port: 50522, Pid: 4242 },
      { Time: "2026-03-07T09:16:00.123456Z", Result: "Failed", User: "admin", Method: "password", SourceIP: "2001:db8::7", Port: 40000, Pid: 4250 },
    ]);
  });

  it("reads the journal through journalctl when the machine has no auth log", async () => {
    const fake = join(dir, "journalctl-ssh");
    const entry = (pid: number, ident: string, message: string, us: string) => JSON.stringify({ __CURSOR: "s=1;i=a", __REALTIME_TIMESTAMP: us, _PID: String(pid), _COMM: ident, SYSLOG_IDENTIFIER: ident, MESSAGE: message });
    writeFileSync(
      fake,
      `#!/bin/sh\ncat <<'EOF'\n${[
        entry(700, "sshd", "Accepted keyboard-interactive/pam for bob from 198.51.100.4 port 2222 ssh2", "1770000000000000"),
        entry(701, "systemd", "Started session-3.scope.", "1770000001000000"),
        entry(702, "sshd", "Failed publickey for bob from 198.51.100.4 port 2223 ssh2", "1770000002000000"),
      ].join("\n")}\nEOF\nexec sleep 60\n`,
    );
    chmodSync(fake, 0o755);
    const system = createLinuxSystem({ journalctl: fake });
    const q = start("Linux.Events.SSHLogin", { syslogAuthLogPath: join(dir, "no-such-auth.log"), ResultRegex: "Accepted" }, system);
    await q.until("the accepted login", () => q.rows.length >= 1);
    await new Promise((r) => setTimeout(r, 200));
    await q.stop();
    expect(q.rows).toEqual([{ Time: "2026-02-02T02:40:00Z", Result: "Accepted", User: "bob", Method: "keyboard-interactive/pam", SourceIP: "198.51.100.4", Port: 2222, Pid: 700 }]);
  });
});

describe("Linux.Events.TrackAccount", () => {
  it("reports logins and account switches of every PAM service, once each, without cron", async () => {
    const log = join(dir, "secure");
    writeFileSync(log, "");
    const q = start("Linux.Events.TrackAccount", { syslogAuthLogPath: log });
    await q.until("the auth log being followed", () => watching(q));
    appendFileSync(
      log,
      [
        "2026-03-07T10:00:00+00:00 h sshd[10]: Accepted password for carol from 203.0.113.5 port 6000 ssh2",
        "2026-03-07T10:00:00+00:00 h sshd[10]: pam_unix(sshd:session): session opened for user carol(uid=1001) by (uid=0)",
        "2026-03-07T10:00:05+00:00 h CRON[11]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)",
        "2026-03-07T10:01:00+00:00 h su[12]: pam_unix(su:session): session opened for user root(uid=0) by carol(uid=1001)",
        "2026-03-07T10:02:00+00:00 h sudo[13]: pam_unix(sudo:auth): authentication failure; logname=carol uid=1001 euid=0 tty=/dev/pts/1 ruser=carol rhost=  user=carol",
        "2026-03-07T10:03:00+00:00 h login[14]: pam_unix(login:auth): authentication failure; logname=LOGIN uid=0 euid=0 tty=/dev/tty1 ruser= rhost=  user=dave",
        "",
      ].join("\n"),
    );
    await q.until("four events", () => q.rows.length >= 4);
    await new Promise((r) => setTimeout(r, 1500));
    await q.stop();
    const brief = q.rows.map((r) => [r.Result, r.User, r.Service, r.Method, r.SourceIP, r.ByUser, r.Pid]);
    // NULL: the kind of message does not carry it; "": it does, empty (PAM's `rhost=`).
    expect(brief).toEqual([
      ["Accepted", "carol", "sshd", "password", "203.0.113.5", null, 10],
      ["Accepted", "root", "su", null, null, "carol", 12],
      ["Failed", "carol", "sudo", null, "", "carol", 13],
      ["Failed", "dave", "login", null, "", "", 14],
    ]);
    expect(q.rows[0]).toMatchObject({ Time: "2026-03-07T10:00:00Z", Program: "sshd" });
  });
});

describe("Linux.Detection.FileChanges", () => {
  it("reports files created, modified and deleted under the watched globs, with their hash", async () => {
    const watched = join(dir, "etc");
    rmSync(watched, { recursive: true, force: true });
    mkdirSync(watched);
    const q = start("Linux.Detection.FileChanges", { WatchGlobTable: `Glob\n${watched}/*.conf\n`, Hashes: "Y" });
    await q.until("the watch", () => q.logs.some((l) => l.includes("watch_files: watching")));
    const f = join(watched, "sshd.conf");
    writeFileSync(f, "PermitRootLogin yes\n");
    await q.until("created", () => q.rows.length >= 1);
    writeFileSync(join(watched, "notes.txt"), "not watched");
    appendFileSync(f, "PasswordAuthentication yes\n");
    await q.until("modified", () => q.rows.length >= 2);
    unlinkSync(f);
    await q.until("deleted", () => q.rows.length >= 3);
    await q.stop();
    const sha = (s: string) => createHash("sha256").update(s).digest("hex");
    expect(q.rows.map((r) => [r.Action, r.OSPath, r.Size, r.SHA256])).toEqual([
      ["created", f, 20, sha("PermitRootLogin yes\n")],
      ["modified", f, 47, sha("PermitRootLogin yes\nPasswordAuthentication yes\n")],
      ["deleted", f, 47, null],
    ]);
    expect(Object.keys(q.rows[0]!)).toEqual(["Time", "Action", "OSPath", "Size", "Mtime", "SHA256"]);
  });
});

describe("Generic.Client.Stats", () => {
  it("samples the agent's CPU time and memory every Frequency seconds", async () => {
    const q = start("Generic.Client.Stats", { Frequency: "1" });
    await q.until("two samples", () => q.rows.length >= 2, 8000);
    await q.stop();
    const [first, second] = q.rows as [Row, Row];
    expect(Object.keys(second)).toEqual(["Timestamp", "CPU", "RSS", "CPUPercent"]);
    expect(Math.abs((second.Timestamp as number) - Date.now() / 1000)).toBeLessThan(5);
    expect((second.Timestamp as number) - (first.Timestamp as number)).toBeGreaterThanOrEqual(0.9);
    expect(second.RSS).toBeGreaterThan(10 * 1024 * 1024);
    expect(second.CPU as number).toBeGreaterThanOrEqual(first.CPU as number);
    expect(first.CPUPercent).toBeNull();
    expect(second.CPUPercent as number).toBeGreaterThanOrEqual(0);
  });
});
