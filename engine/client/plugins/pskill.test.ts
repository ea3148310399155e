// pskill() on the Linux agent, as Velociraptor's vql/functions/pskill.go: a real child process is
// killed with SIGKILL and the pid returned; failures are logged with NULL; EXECVE is needed.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { runVql, toJsonValue } from "@/engine/vql";
import { MemoryOutbox } from "@/engine/client/connection/outbox";
import { FlowResponder } from "@/engine/client/responder/responder";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { agentRegistry } from ".";
import type { AgentVqlHost } from "./host";

const system = createLinuxSystem();
const flow = (permissions: string[]): AgentVqlHost["flow"] => ({ flowId: "F.KILL", artifact: "Test", responder: new FlowResponder(new MemoryOutbox(), "F.KILL"), permissions: new Set(permissions) });

async function vql(text: string, permissions: string[] = ["EXECVE"]) {
  const rows: unknown[] = [];
  const logs: string[] = [];
  for await (const e of runVql(text, { registry: agentRegistry(), host: { system, flow: flow(permissions) } })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row));
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

describe("pskill()", () => {
  it("kills the process with SIGKILL and returns its pid", async () => {
    const child = spawn("sleep", ["60"], { stdio: "ignore" });
    const exited = new Promise<NodeJS.Signals | null>((r) => child.once("exit", (_code, signal) => r(signal)));
    const r = await vql(`SELECT pskill(pid=${child.pid}) AS K FROM scope()`);
    expect(r).toEqual({ rows: [{ K: child.pid }], logs: [] });
    expect(await exited).toBe("SIGKILL");
  });

  it("a pid no process has is a logged error and NULL", async () => {
    expect(await vql("SELECT pskill(pid=2147483646) AS K FROM scope()")).toEqual({ rows: [{ K: null }], logs: ["ERROR pskill: no process 2147483646"] });
  });

  it("refuses the agent itself and init, and needs EXECVE", async () => {
    const self = await vql(`SELECT pskill(pid=${process.pid}) AS K FROM scope()`);
    expect(self).toEqual({ rows: [{ K: null }], logs: [`ERROR pskill: refusing to kill pid ${process.pid} (the agent itself)`] });
    expect((await vql("SELECT pskill(pid=1) AS K FROM scope()")).logs).toEqual(["ERROR pskill: refusing to kill pid 1 (init)"]);
    const child = spawn("sleep", ["60"], { stdio: "ignore" });
    try {
      const denied = await vql(`SELECT pskill(pid=${child.pid}) AS K FROM scope()`, ["MACHINE_STATE"]);
      expect(denied).toEqual({ rows: [{ K: null }], logs: ["ERROR pskill: permission denied: `pskill()` needs EXECVE"] });
      await new Promise((r) => setTimeout(r, 100));
      expect(child.exitCode).toBeNull();
      expect(child.signalCode).toBeNull();
    } finally {
      child.kill("SIGKILL");
    }
  });
});
