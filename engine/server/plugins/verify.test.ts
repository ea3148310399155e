// verify() and artifact_set(repository=...): the result dict of Velociraptor's verify() over the
// artifacts service's checks, with the real repository (built-ins from artifacts/definitions).
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
import { verifyBuiltins } from "./verify";

function principal(username: string, role: string, extra: Permission[] = []): Principal {
  return { userId: username, username, role, permissions: new Set([...permissionsOf(role), ...extra]), via: "session" };
}

const admin = principal("alice", "administrator");
const reader = principal("rita", "reader");
const registry = createRegistry([...portableBuiltins, ...artifactBuiltins, ...verifyBuiltins]);

type Verified = { Artifact: string; Permissions: string[] | null; Errors: string[] | null; Warnings: string[] | null; Definitions: Record<string, { Name: string; Args: string[] | null }>; Suppressions: null };

describe("verify()", () => {
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
    for await (const e of runVql(vql, { registry, env, permissions: who.permissions, host: { principal: who, services } })) {
      if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
      if (e.kind === "log" && e.level !== "DEBUG") logs.push(`${e.level} ${e.message}`);
    }
    return { rows, logs };
  }

  async function verify(args: string, env: Record<string, unknown>, who = admin): Promise<Verified> {
    const r = await run(`SELECT verify(${args}) AS V FROM scope()`, who, env);
    return r.rows[0]!.V as Verified;
  }

  const GOOD = [
    "name: Custom.Verify.Good",
    "type: SERVER",
    "export: |",
    "  LET Twice(X) = X * 2",
    "sources:",
    "  - query: |",
    "      LET Names = SELECT name FROM artifact_definitions()",
    "      SELECT Twice(X=len(list=Names)) AS N FROM scope()",
    "",
  ].join("\n");

  it("a clean artifact: no errors or warnings, the permissions of what it calls, its LETs", async () => {
    const v = await verify("artifact=Y", { Y: GOOD });
    expect(v.Artifact).toBe(GOOD);
    expect(v.Errors).toBeNull();
    expect(v.Warnings).toBeNull();
    // artifact_definitions() needs READ_RESULTS; len() and the LETs need nothing.
    expect(v.Permissions).toEqual(["READ_RESULTS"]);
    expect(v.Definitions).toEqual({ Twice: { Name: "Twice", Args: ["X"] }, Names: { Name: "Names", Args: null } });
    expect(v.Suppressions).toBeNull();
  });

  it("a VQL syntax error is an error at its line in the YAML; an unknown function a warning", async () => {
    const bad = ["name: Custom.Verify.Bad", "type: SERVER", "sources:", "  - query: SELECT nosuchfunction() FROM", ""].join("\n");
    const v = await verify("artifact=Y", { Y: bad });
    expect(v.Errors).toHaveLength(1);
    // The query is on line 4; the error names the artifact as the file.
    expect(v.Errors![0]).toMatch(/^Custom\.Verify\.Bad:4:\d+: error VQL\d+: /);
    expect(v.Permissions).toBeNull();
  });

  it("a call of an unknown function is a warning", async () => {
    const warn = ["name: Custom.Verify.Warn", "type: SERVER", "sources:", "  - query: SELECT nosuchfunction() AS X FROM scope()", ""].join("\n");
    const v = await verify("artifact=Y", { Y: warn });
    expect(v.Errors).toBeNull();
    expect(v.Warnings).toHaveLength(1);
    expect(v.Warnings![0]).toMatch(/^Custom\.Verify\.Warn:4:\d+: warning VQL\d+: .*nosuchfunction/);
  });

  it("YAML that is not an artifact gives errors and no artifact details", async () => {
    const v = await verify("artifact='name: [unclosed'", {});
    expect(v.Artifact).toBe("name: [unclosed");
    expect(v.Errors!.length).toBeGreaterThan(0);
    expect(v.Definitions).toEqual({});
  });

  it("a name in the repository verifies that artifact", async () => {
    const v = await verify("artifact='Linux.Sys.Pslist'", {});
    expect(v.Artifact).toBe("Linux.Sys.Pslist");
    expect(v.Errors).toBeNull();
  });

  it("a built-in's name is allowed unless disable_override", async () => {
    const copy = artifacts.get("Linux.Sys.Pslist", { exact: true })!.raw;
    expect((await verify("artifact=Y", { Y: copy })).Errors).toBeNull();
    const refused = await verify("artifact=Y, disable_override=TRUE", { Y: copy });
    expect(refused.Errors).toHaveLength(1);
    expect(refused.Errors![0]).toContain("ART2005");
  });

  it("imports resolve in a query-local repository that artifact_set(repository=...) fills, and nothing is saved", async () => {
    const lib = ["name: Custom.Verify.Lib", "type: SERVER", "export: |", "  LET Answer = 42", "sources:", "  - query: SELECT Answer FROM scope()", ""].join("\n");
    const user = ["name: Custom.Verify.User", "type: SERVER", "imports:", "  - Custom.Verify.Lib", "sources:", "  - query: SELECT Answer FROM scope()", ""].join("\n");
    // Talon's checker warns of an unknown import (Velociraptor's verifier makes it an error), at
    // the import's line 4, column 5 (after `  - `).
    const alone = await verify("artifact=U", { U: user });
    expect(alone.Warnings).toEqual(["Custom.Verify.User:4:5: warning ART2002: imports `Custom.Verify.Lib`, which is not a known artifact"]);
    const r = await run(
      `LET _ <= artifact_set(definition=L, repository='local')
       SELECT verify(artifact=U, repository='local') AS V, verify(artifact='Custom.Verify.Lib', repository='local').Errors AS LibErrors FROM scope()`,
      admin,
      { L: lib, U: user },
    );
    const v = r.rows[0]!.V as Verified;
    expect(v.Errors).toBeNull();
    expect(v.Warnings).toBeNull();
    expect(r.rows[0]!.LibErrors).toBeNull();
    expect(r.logs).toContain("INFO artifact_set: creating new repository 'local'");
    expect(r.logs).toContain("INFO artifact_set: added Custom.Verify.Lib to repository 'local'");
    expect(artifacts.get("Custom.Verify.Lib", { exact: true })).toBeUndefined();
  });

  it("artifact_set(repository=...) still needs the writer permission for the artifact's type", async () => {
    const r = await run(`SELECT artifact_set(definition=L, repository='local') AS A FROM scope()`, reader, { L: GOOD });
    expect(r.rows[0]!.A).toBeNull();
    expect(r.logs.some((l) => l.includes("SERVER_ARTIFACT_WRITER"))).toBe(true);
  });
});
