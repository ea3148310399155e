// The artifacts service wired into the engine: engine.queries resolves Artifact.X() through it
// and the server builtins reach it with the caller's permissions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VqlEvent } from "@/engine/vql";
import { toJsonValue } from "@/engine/vql";
import { permissionsOf } from "../../auth/roles";
import { createLogger } from "../../log";
import { createEngine } from "../../wiring";
import type { Engine, Principal } from "@/engine/server/contracts";

const who = (username: string, role: string): Principal => ({ userId: username, username, role, permissions: permissionsOf(role), via: "session" });
const admin = who("alice", "administrator");
const analyst = who("andy", "analyst");

async function collect(events: AsyncIterable<VqlEvent>) {
  const rows: unknown[] = [];
  const logs: string[] = [];
  for await (const e of events) {
    if (e.kind === "row") rows.push(toJsonValue(e.row));
    if (e.kind === "log" && e.level !== "DEBUG" && e.level !== "INFO") logs.push(e.message);
  }
  return { rows, logs };
}

describe("artifacts in the engine", () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine({ memory: true, log: createLogger({ quiet: true }) });
  });
  afterAll(() => engine.close());

  it("engine.queries runs Artifact.X() with defaults and artifact_set() as the caller", async () => {
    const def = "name: Custom.Engine.Count\nparameters:\n  - name: N\n    type: int\n    default: '2'\nsources:\n  - query: SELECT _value AS V FROM range(end=N)\n";
    const set = await collect(engine.queries.run("SELECT artifact_set(definition=D).name AS Name FROM scope()", { principal: admin, env: { D: def } }));
    expect(set).toEqual({ rows: [{ Name: "Custom.Engine.Count" }], logs: [] });
    expect((await collect(engine.queries.run("SELECT V FROM Artifact.Custom.Engine.Count()", { principal: analyst }))).rows).toEqual([{ V: 0 }, { V: 1 }]);
    expect((await collect(engine.queries.run("SELECT V FROM Artifact.Custom.Engine.Count(N=1)", { principal: analyst }))).rows).toEqual([{ V: 0 }]);
    const refused = await collect(engine.queries.run("SELECT artifact_delete(name='Custom.Engine.Count') AS D FROM scope()", { principal: analyst }));
    expect(refused.rows).toEqual([{ D: null }]);
    expect(refused.logs.join("\n")).toMatch(/ARTIFACT_WRITER/);
    expect(engine.artifacts.get("Custom.Engine.Count")).toBeDefined();
  });

  it("the built-ins are loaded and callable; client builtins they need are reported, not crashed on", async () => {
    // connections() exists only on endpoints (the server has glob, stat, read_file, hash, info, pslist and execve).
    const { rows, logs } = await collect(engine.queries.run("SELECT * FROM Artifact.Linux.Network.Connections()", { principal: admin }));
    expect(rows).toEqual([]);
    expect(logs.join("\n")).toMatch(/connections/);
  });
});
