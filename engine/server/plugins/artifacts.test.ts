import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/drizzle";
import { createRegistry, portableBuiltins, runVql, toJsonValue } from "../../vql";
import { permissionsOf, type Permission } from "../auth/roles";
import { testServiceDeps, type TestDeps } from "../cluster/testing";
import { startArtifacts } from "../services/artifacts";
import { artifactVqlChecker } from "../vql/artifact-checker";
import { startAudit } from "../services/audit";
import type { ArtifactsService, Principal, VqlServices } from "@/engine/server/contracts";
import { artifactBuiltins } from "./artifacts";

function principal(username: string, role: string, extra: Permission[] = []): Principal {
  return { userId: username, username, role, permissions: new Set([...permissionsOf(role), ...extra]), via: "session" };
}

const admin = principal("alice", "administrator");
const reader = principal("rita", "reader");
const writer = principal("carl", "reader", ["ARTIFACT_WRITER"]);
const registry = createRegistry([...portableBuiltins, ...artifactBuiltins]);

describe("artifact VQL builtins", () => {
  let database: Database;
  let artifacts: ArtifactsService;
  let t: TestDeps;

  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    t = await testServiceDeps(database);
    artifacts = await startArtifacts({ ...t, audit: startAudit(t), vqlChecker: artifactVqlChecker() }, t.signal);
  });
  afterAll(async () => {
    await t?.stop();
    await database?.close();
  });

  async function run(vql: string, who: Principal, env: Record<string, unknown> = {}) {
    const services = { artifacts } as unknown as VqlServices;
    const rows: Record<string, unknown>[] = [];
    const logs: string[] = [];
    for await (const e of runVql(vql, { registry, env, permissions: who.permissions, host: { principal: who, services }, resolvePlugin: (n) => artifacts.pluginFor(n, who) })) {
      if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
      if (e.kind === "log" && e.level !== "DEBUG" && e.level !== "INFO") logs.push(e.message);
    }
    return { rows, logs };
  }

  const DEF = "name: Custom.Vql.Made\nparameters:\n  - name: N\n    type: int\n    default: '3'\nsources:\n  - query: SELECT _value AS V FROM range(start=0, end=N)\n";

  it("artifact_set() saves as the caller and the artifact is callable at once", async () => {
    const made = await run("SELECT artifact_set(definition=Def).name AS Name FROM scope()", admin, { Def: DEF });
    expect(made).toEqual({ rows: [{ Name: "Custom.Vql.Made" }], logs: [] });
    const called = await run("SELECT V FROM Artifact.Custom.Vql.Made(N=2)", reader);
    expect(called.rows).toEqual([{ V: 0 }, { V: 1 }]);
    const history = await artifacts.history(admin, "Custom.Vql.Made");
    expect(history[0]?.principal).toBe("alice");
  });

  it("artifact_set() refuses a reader, and a client-artifact writer for server types", async () => {
    const r = await run("SELECT artifact_set(definition=Def) AS A FROM scope()", reader, { Def: DEF.replace("Made", "ByReader") });
    expect(r.rows).toEqual([{ A: null }]);
    expect(r.logs.join("\n")).toMatch(/ARTIFACT_WRITER/);
    const server = DEF.replace("Made", "Server").replace("parameters:", "type: SERVER\nparameters:");
    const w = await run("SELECT artifact_set(definition=Def) AS A FROM scope()", writer, { Def: server });
    expect(w.logs.join("\n")).toMatch(/SERVER_ARTIFACT_WRITER/);
    expect(artifacts.get("Custom.Vql.Server")).toBeUndefined();
    const ok = await run("SELECT artifact_set(definition=Def).type AS T FROM scope()", writer, { Def: DEF.replace("Made", "ByWriter") });
    expect(ok.rows).toEqual([{ T: "CLIENT" }]);
  });

  it("artifact_set(prefix=...) enforces another prefix", async () => {
    const r = await run("SELECT artifact_set(definition=Def, prefix='Team.') AS A FROM scope()", admin, { Def: DEF });
    expect(r.logs.join("\n")).toMatch(/must start with `Team\.`/);
  });

  it("artifact_definitions() returns named definitions, and with deps=TRUE what they call", async () => {
    await run("SELECT artifact_set(definition=Def) FROM scope()", admin, {
      Def: "name: Custom.Vql.Caller\nsources:\n  - query: SELECT * FROM Artifact.Custom.Vql.Made()\n",
    });
    const plain = await run("SELECT name, type, parameters.name AS Params FROM artifact_definitions(names='Custom.Vql.Made')", reader);
    expect(plain.rows).toEqual([{ name: "Custom.Vql.Made", type: "CLIENT", Params: ["N"] }]);
    const withDeps = await run("SELECT name FROM artifact_definitions(names='Custom.Vql.Caller', deps=TRUE)", reader);
    expect(withDeps.rows.map((r) => r.name)).toEqual(["Custom.Vql.Caller", "Custom.Vql.Made"]);
    const all = await run("SELECT name FROM artifact_definitions()", reader);
    expect(all.rows.map((r) => r.name)).toContain("Linux.Sys.Pslist");
    const nobody = await run("SELECT * FROM artifact_definitions()", { ...reader, permissions: new Set() });
    expect(nobody.logs.join("\n")).toMatch(/needs READ_RESULTS/);
  });

  it("artifact_delete() removes a custom artifact and refuses a reader", async () => {
    const refused = await run("SELECT artifact_delete(name='Custom.Vql.ByWriter') AS D FROM scope()", reader);
    expect(refused.logs.join("\n")).toMatch(/ARTIFACT_WRITER/);
    const done = await run("SELECT artifact_delete(name='Custom.Vql.ByWriter') AS D FROM scope()", writer);
    expect(done.rows).toEqual([{ D: "Custom.Vql.ByWriter" }]);
    expect(artifacts.get("Custom.Vql.ByWriter")).toBeUndefined();
  });
});
