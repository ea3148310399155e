// The built-in Linux.Sys.BashShell (the client page's Shell tab), compiled as a collection
// compiles it and run by the agent's VQL runner on this Linux machine: the command's output in
// rows that join to what bash prints, the return code on the last row, and nothing run for a
// collection whose user lacks EXECVE.
import { release } from "node:os";
import { beforeAll, describe, expect, it } from "vitest";
import { compileArtifact, loadArtifact, resolveParameters, type Artifact } from "@/engine/artifacts";
import { MemoryOutbox } from "@/engine/client/connection/outbox";
import { createVqlRunner } from "@/engine/client/executor/vql-runner";
import { createLinuxSystem } from "@/engine/client/plugins/linux";
import { FlowResponder } from "@/engine/client/responder/responder";
import { BUILTIN_DEFINITIONS_DIR, readArtifactFiles } from "@/engine/server/services/artifacts/files";

type Row = Record<string, unknown>;
let shell: Artifact;
beforeAll(async () => {
  for (const f of await readArtifactFiles([BUILTIN_DEFINITIONS_DIR])) {
    const a = loadArtifact(f.text).artifact;
    if (a?.name === "Linux.Sys.BashShell") shell = a;
  }
});

async function collect(parameters: Record<string, string>, permissions: string[] = ["EXECVE"]) {
  const [source] = compileArtifact(shell, () => undefined).sources;
  const env = resolveParameters(shell, parameters);
  if (!env.ok) throw new Error(env.error);
  const ac = new AbortController();
  const ctx = { flowId: "F.SHELL", artifact: shell.name, env: env.env, signal: ac.signal, maxRows: 1_000_000, permissions: new Set(permissions), responder: new FlowResponder(new MemoryOutbox(), "F.SHELL") };
  const runner = createVqlRunner(createLinuxSystem());
  const rows: Row[] = [];
  const logs: string[] = [];
  expect(await runner.precondition(source!.precondition!, ctx)).toBe(true);
  for await (const e of runner.run(source!.query, ctx)) {
    if (e.kind === "row") rows.push(e.row);
    else if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

describe("Linux.Sys.BashShell", () => {
  it("declares EXECVE and a Command parameter", () => {
    expect(shell.requiredPermissions).toEqual(["EXECVE"]);
    expect(shell.parameters.map((p) => p.name)).toContain("Command");
  });

  it("runs the command through bash: stdout, stderr and the return code, columns in order", async () => {
    const { rows } = await collect({ Command: "uname -r; echo oops >&2; exit 3" });
    expect(rows).toEqual([{ Stdout: `${release()}\n`, Stderr: "oops\n", ReturnCode: 3, Complete: true }]);
  });

  it("long output arrives in rows of at most Length bytes that join to the whole output", async () => {
    // 500 numbered lines: "1\n" … "500\n" is 1,892 bytes.
    const { rows } = await collect({ Command: "seq 1 500", Length: "256" });
    const expected = Array.from({ length: 500 }, (_, i) => `${i + 1}\n`).join("");
    expect(rows.length).toBe(Math.ceil(expected.length / 256));
    expect(rows.every((r) => String(r.Stdout).length <= 256)).toBe(true);
    expect(rows.map((r) => r.Stdout).join("")).toBe(expected);
    expect(rows.at(-1)).toMatchObject({ ReturnCode: 0, Complete: true });
    expect(rows.slice(0, -1).every((r) => r.Complete === false && r.ReturnCode === null)).toBe(true);
  });

  it("bash features work: pipes, variables and quoting", async () => {
    const { rows } = await collect({ Command: `X='a b'; printf '%s|' "$X" c | tr '|' ','` });
    expect(rows.map((r) => r.Stdout).join("")).toBe("a b,c,");
  });

  it("runs nothing for a user without EXECVE", async () => {
    const { rows, logs } = await collect({ Command: "echo should-not-run" }, []);
    expect(rows).toEqual([]);
    expect(logs.join("\n")).toMatch(/needs EXECVE/);
  });
});
