// rekey(): the new client id from the agent's diagnostics, EXECVE required (Velociraptor's
// vql/tools/rekey.go), and Velociraptor's error where there is no agent to rekey.
import { describe, expect, it } from "vitest";
import { createRegistry, portableBuiltins, runVql, toJsonValue } from "@/engine/vql";
import type { ProcessDiagnostics } from "@/engine/endpoint/diagnostics/diagnostics";
import { rekeyFunction } from "./rekey";

const registry = createRegistry([...portableBuiltins, rekeyFunction]);

async function run(diagnostics: Partial<ProcessDiagnostics>, permissions?: Set<string>) {
  const out: { rows: unknown[]; logs: string[] } = { rows: [], logs: [] };
  for await (const e of runVql("SELECT rekey(wait=3) AS R FROM scope()", { registry, host: { diagnostics }, permissions })) {
    if (e.kind === "row") out.rows.push(toJsonValue(e.row));
    if (e.kind === "log") out.logs.push(`${e.level} ${e.message}`);
  }
  return out;
}

describe("rekey()", () => {
  it("returns the new client id and passes `wait` on", async () => {
    const waits: number[] = [];
    const r = await run({ rekey: (w) => (waits.push(w), "C.00000000000000ff") });
    expect(r.rows).toEqual([{ R: "C.00000000000000ff" }]);
    expect(waits).toEqual([3]);
  });

  it("is NULL with Velociraptor's error where the process cannot rekey (the server)", async () => {
    const r = await run({ component: "server" });
    expect(r.rows).toEqual([{ R: null }]);
    expect(r.logs).toContain("ERROR rekey: Must be running on a client to rekey");
  });

  it("needs EXECVE", async () => {
    const r = await run({ rekey: () => "C.1" }, new Set(["MACHINE_STATE"]));
    expect(r.rows).toEqual([{ R: null }]);
    expect(r.logs.join("\n")).toContain("EXECVE");
  });
});
