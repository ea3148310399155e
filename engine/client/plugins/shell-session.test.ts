// shell_session() and shell_session_control() on this machine with /bin/sh: the stdin written
// comes back as rows in order with the program's output (Velociraptor's ShellResult columns),
// one reader per session, EXECVE from the collecting user, the session ending with its reader,
// its program or the query that started it; and Linux.Sys.BashShell's stateful source.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { runVql, toJsonValue } from "@/engine/vql";
import { MemoryOutbox } from "../connection/outbox";
import { FlowResponder } from "../responder/responder";
import { agentRegistry } from ".";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import type { AgentVqlHost } from "./host";
import { getSession } from "./shell-session-state";

const system = createLinuxSystem();
const flow = (permissions: string[]): AgentVqlHost["flow"] => ({ flowId: "F.SHELL", artifact: "Test", responder: new FlowResponder(new MemoryOutbox(), "F.SHELL"), permissions: new Set(permissions) });

async function run(vql: string, o: { host?: AgentVqlHost; env?: Record<string, unknown>; signal?: AbortSignal } = {}) {
  const rows: Record<string, unknown>[] = [];
  const logs: string[] = [];
  for await (const e of runVql(vql, { registry: agentRegistry(), host: o.host ?? { system, flow: flow(["EXECVE"]) }, env: o.env, signal: o.signal })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

describe("shell_session()", () => {
  it("runs the program with pipes: each stdin written is a row, in order, before its output; the rows end when the program exits", async () => {
    const { rows, logs } = await run(
      `LET S <= shell_session(name='t-basic', argv=['/bin/sh'])
       LET _ <= shell_session_control(name='t-basic', stdin=A)
       LET _ <= shell_session_control(name='t-basic', stdin=B)
       SELECT * FROM foreach(row=S.Query)`,
      { env: { A: "echo hello\n", B: "echo oops >&2; exit 3\n" } },
    );
    expect(Object.keys(rows[0]!)).toEqual(["Stdin", "Stdout", "Stderr", "ReturnCode", "Complete"]);
    expect(rows.filter((r) => r.Stdin).map((r) => r.Stdin)).toEqual(["echo hello\n", "echo oops >&2; exit 3\n"]);
    // Both commands were written before the shell could answer the first.
    expect(rows.findIndex((r) => r.Stdout)).toBeGreaterThan(1);
    expect(rows.map((r) => r.Stdout).join("")).toBe("hello\n");
    expect(rows.map((r) => r.Stderr).join("")).toBe("oops\n");
    expect(rows.every((r) => r.ReturnCode === 0 && r.Complete === false)).toBe(true);
    expect(logs.join("\n")).toMatch(/shell_session: command exited with exit status 3/);
    expect(getSession("t-basic")).toBeUndefined();
  });

  it("returns the running session of that name; IsRunning turns true once a query reads it, and a second reader gets nothing", async () => {
    const { rows, logs } = await run(
      `LET S <= shell_session(name='t-twice', argv=['/bin/sh'])
       LET Before <= S.IsRunning
       LET Again <= shell_session(name='t-twice', argv=['/never/run'])
       LET _ <= shell_session_control(name='t-twice', stdin=A)
       SELECT Before, Again.Name AS Name, Stdout, S.IsRunning AS During,
              { SELECT * FROM foreach(row=Again.Query) } AS Second
       FROM foreach(row=S.Query) WHERE Stdout`,
      { env: { A: "echo one; exit 0\n" } },
    );
    expect(rows).toEqual([{ Before: false, Name: "t-twice", Stdout: "one\n", During: true, Second: null }]);
    expect(logs.join("\n")).toMatch(/Session t-twice is already running/);
    expect(logs.join("\n")).not.toMatch(/\/never\/run/);
  });

  it("close_stdin lets the program finish its output and exit; kill ends it at once", async () => {
    const closed = await run(
      `LET S <= shell_session(name='t-close', argv=['cat'])
       LET _ <= shell_session_control(name='t-close', stdin='abc')
       LET _ <= shell_session_control(name='t-close', close_stdin=TRUE)
       SELECT Stdin, Stdout FROM foreach(row=S.Query)`,
    );
    expect(closed.rows).toEqual([{ Stdin: "abc", Stdout: "" }, { Stdin: "", Stdout: "abc" }]);
    const t0 = performance.now();
    const killed = await run(
      `LET S <= shell_session(name='t-kill', argv=['sleep', '60'])
       LET _ <= shell_session_control(name='t-kill', kill=TRUE)
       SELECT * FROM foreach(row=S.Query)`,
    );
    expect(killed.rows).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(getSession("t-kill")).toBeUndefined();
  });

  it("ends with the query that started it: the next query of that name starts a new program", async () => {
    const first = await run("SELECT shell_session(name='t-scope', argv=['sleep', '61.25']).Name AS N FROM scope()");
    expect(first.rows).toEqual([{ N: "t-scope" }]);
    expect(getSession("t-scope")).toBeUndefined();
    // The program was killed (SIGKILL is delivered at once; reaping it takes a moment).
    const alive = async () => (await run("SELECT Pid FROM pslist() WHERE CommandLine = 'sleep 61.25' AND Status != 'zombie'")).rows.length;
    for (let i = 0; i < 20 && (await alive()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await alive()).toBe(0);
  });

  it("passes env and cwd to the program", async () => {
    const { rows } = await run(
      `LET S <= shell_session(name='t-env', argv=['/bin/sh', '-c', 'echo $GREETING; pwd'], env=dict(GREETING='hi there'), cwd='/tmp')
       SELECT Stdout FROM foreach(row=S.Query)`,
    );
    expect(rows.map((r) => r.Stdout).join("")).toBe("hi there\n/tmp\n");
  });

  it("needs EXECVE from the collecting user, refuses secrets on an agent, and names unknown sessions", async () => {
    const denied = await run("SELECT shell_session(name='t-denied', argv=['/bin/sh']) AS S, shell_session_control(name='t-denied', stdin='x') AS C FROM scope()", { host: { system, flow: flow([]) } });
    expect(denied.rows).toEqual([{ S: null, C: null }]);
    expect(denied.logs.join("\n")).toMatch(/permission denied: `shell_session\(\)` needs EXECVE/);
    const secret = await run("SELECT shell_session(name='t-secret', argv=['/bin/sh'], secret='S') AS S FROM scope()");
    expect(secret.rows).toEqual([{ S: null }]);
    expect(secret.logs.join("\n")).toMatch(/shell_session: Secrets may only be used on the server/);
    const unknown = await run("SELECT shell_session_control(name='t-nobody', stdin='x') AS C FROM scope()");
    expect(unknown.rows).toEqual([{ C: null }]);
    expect(unknown.logs.join("\n")).toMatch(/shell_session_control: session t-nobody not known/);
  });
});

const CORPUS = resolve(import.meta.dirname, "../../../../shared/corpus/velociraptor-artifacts");
const bashShell = resolve(CORPUS, "Linux/Sys/BashShell.yaml");

describe.skipIf(!existsSync(bashShell) || !existsSync("/bin/bash"))("Linux.Sys.BashShell (corpus)", () => {
  it("the stateful source runs: the command id ack, then the command and its output, until the session's timeout", async () => {
    const def = parseYaml(readFileSync(bashShell, "utf8")) as { sources: Array<{ precondition: string; query: string }> };
    const [stateful] = def.sources;
    const env = { Command: "echo hello", CommandId: "1", Stateful: true, Timeout: 2, _SessionId: "F.BASH1" };
    expect((await run(stateful!.precondition, { env })).rows).toHaveLength(1);
    const { rows } = await run(stateful!.query, { env });
    const pick = rows.map((r) => ({ Command: r.Command, CommandId: r.CommandId ?? null, Stdout: r.Stdout }));
    expect(pick[0]).toEqual({ Command: "", CommandId: "1", Stdout: "" });
    expect(pick.slice(1).filter((r) => r.Command)).toEqual([{ Command: "echo hello\n", CommandId: null, Stdout: "" }]);
    expect(pick.map((r) => r.Stdout).join("")).toBe("hello\n");
    expect(getSession("F.BASH1")).toBeUndefined();
  }, 15000);
});
