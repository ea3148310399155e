// A pooled endpoint through the agent's builtins: pslist() changes over time (the processes the
// activity timeline has alive join the static table), the event logs and syslog files its
// event plugins read exist in its file system, and an SSH brute force on a Linux host the
// adversary is on can be found from watch_syslog() lines with plain VQL.
import { describe, expect, it } from "vitest";
import { runVql, toJsonText } from "@/engine/vql";
import { ADVERSARY } from "./activity/people";
import { poolRegistry } from "./plugins";
import { createSyntheticSystem, type SyntheticSystem } from "./system";
import { adversaryOn, findProfile, isLinux, isWindows } from "./testdata/endpoints";

type Row = Record<string, any>;

async function rows(system: SyntheticSystem, vql: string, ms = 10_000): Promise<Row[]> {
  const out: Row[] = [];
  for await (const e of runVql(vql, { registry: poolRegistry(), host: { system }, signal: AbortSignal.timeout(ms) })) if (e.kind === "row") out.push(JSON.parse(toJsonText(e.row)));
  return out;
}

describe("pslist() on a pooled endpoint", () => {
  it("on Linux, a minute later it lists processes that started in between and no longer lists some that ended", async () => {
    let now = Date.UTC(2026, 5, 1, 12, 0, 0);
    const system = createSyntheticSystem(findProfile("system", isLinux), { now: () => now });
    const before = await rows(system, "SELECT Pid, Name, CommandLine, CreateTime FROM pslist()");
    now += 60_000;
    const after = await rows(system, "SELECT Pid, Name, CommandLine, CreateTime FROM pslist()");
    const key = (r: Row) => `${r.Pid} ${r.CommandLine}`;
    const started = after.filter((r) => !before.some((b) => key(b) === key(r)));
    const ended = before.filter((b) => !after.some((r) => key(b) === key(r)));
    expect(started.length).toBeGreaterThan(0);
    expect(ended.length).toBeGreaterThan(0);
    for (const r of started) expect(Date.parse(r.CreateTime)).toBeGreaterThan(now - 60_000);
  });

  it("with --event-rate 0 it is the static table and does not change", async () => {
    let now = Date.UTC(2026, 5, 1, 12, 0, 0);
    const system = createSyntheticSystem(findProfile("system", isWindows), { rate: 0, now: () => now });
    const before = await rows(system, "SELECT Pid, CommandLine FROM pslist()");
    now += 600_000;
    expect(await rows(system, "SELECT Pid, CommandLine FROM pslist()")).toEqual(before);
  });
});

describe("the files event plugins read", () => {
  it("Windows endpoints have the event logs and Sysmon's binary; Linux endpoints their syslog files", async () => {
    const w = createSyntheticSystem(findProfile("system", isWindows));
    const logs = await rows(w, "SELECT Name FROM glob(globs='C:/Windows/System32/winevt/Logs/*.evtx')");
    expect(logs.map((r) => r.Name).sort()).toEqual(["Application.evtx", "Microsoft-Windows-Sysmon%4Operational.evtx", "Security.evtx", "System.evtx"]);
    expect(await rows(w, "SELECT OSPath FROM glob(globs='C:/Windows/sysmon64.exe')")).toHaveLength(1);
    const debian = createSyntheticSystem(findProfile("system", (p) => isLinux(p) && p.platform !== "rhel"));
    expect((await rows(debian, "SELECT OSPath FROM glob(globs='/var/log/*')")).map((r) => r.OSPath).sort()).toEqual(["/var/log/auth.log", "/var/log/syslog"]);
    const rhel = createSyntheticSystem(findProfile("system", (p) => isLinux(p) && p.platform === "rhel"));
    expect((await rows(rhel, "SELECT OSPath FROM glob(globs='/var/log/*')")).map((r) => r.OSPath).sort()).toEqual(["/var/log/messages", "/var/log/secure"]);
  });
});

describe("expand() and environ() on a pooled endpoint", () => {
  it("give a service's environment: SYSTEM's on Windows, root's elsewhere; writing files is not offered", async () => {
    const w = createSyntheticSystem(findProfile("system", isWindows), { rate: 0 });
    expect(await rows(w, "SELECT expand(path='%SystemRoot%/System32/drivers') AS P, environ(var='USERNAME') AS U FROM scope()")).toEqual([{ P: "C:\\Windows/System32/drivers", U: "SYSTEM" }]);
    const l = createSyntheticSystem(findProfile("system", isLinux), { rate: 0 });
    expect(await rows(l, "SELECT expand(path='$HOME/.bash_history') AS P FROM scope()")).toEqual([{ P: "/root/.bash_history" }]);
    expect(await rows(l, "SELECT tempfile(data='x') AS T FROM scope()")).toEqual([{ T: null }]);
  });
});

describe("watch_syslog() on a Linux host the adversary is on", () => {
  it("SSH logins parse like Linux.Events.SSHLogin's, and an accepted password after failures from the same address is adm_peter's", async () => {
    const p = findProfile("system", (x) => isLinux(x) && adversaryOn(x) && x.platform !== "rhel");
    const system = createSyntheticSystem(p, { rate: 300 });
    const vql = `
      LET ssh = SELECT parse_string_with_regex(string=Line,
          regex='^(?P<Time>\\\\w{3} [ \\\\d]\\\\d [\\\\d:]{8}) (?P<Host>\\\\S+) sshd\\\\[(?P<Pid>\\\\d+)\\\\]: (?P<Event>Accepted|Failed) (?P<Method>\\\\S+) for (invalid user )?(?P<User>\\\\S+) from (?P<IP>\\\\S+) port (?P<Port>\\\\d+) ssh2') AS E
        FROM watch_syslog(filename='/var/log/auth.log')
        WHERE E.Event
      SELECT E.Event AS Event, E.Method AS Method, E.User AS User, E.IP AS IP, E.Host AS Host FROM ssh`;
    const seen: Row[] = [];
    for await (const e of runVql(vql, { registry: poolRegistry(), host: { system }, signal: AbortSignal.timeout(15_000) })) {
      if (e.kind !== "row") continue;
      seen.push(JSON.parse(toJsonText(e.row)));
      // An accepted password after a failed one (the watch may start between the two).
      if (seen.some((r, i) => r.Event === "Accepted" && r.Method === "password" && seen.slice(0, i).some((f) => f.Event === "Failed" && f.User === r.User))) break;
    }
    const accepted = seen.findLast((r) => r.Event === "Accepted" && r.Method === "password")!;
    expect(accepted).toMatchObject({ User: ADVERSARY.admin, IP: ADVERSARY.externalIp, Host: p.hostname });
    const failures = seen.filter((r) => r.Event === "Failed" && r.User === accepted.User && r.IP === accepted.IP);
    expect(failures.length).toBeGreaterThanOrEqual(1);
    // Ordinary logins are by key, from inside; scanners fail as invalid users.
    for (const r of seen.filter((x) => x.User !== ADVERSARY.admin)) expect(r.Event === "Accepted" ? r.Method : r.IP).toMatch(r.Event === "Accepted" ? /^publickey$/ : /^203\.0\.113\./);
  });
});
