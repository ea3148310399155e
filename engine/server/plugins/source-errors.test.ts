// source() with nothing to read says why: an unknown artifact (with the nearest name) or the
// missing client_id / flow_id, instead of one message for every case.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/drizzle";
import { createRegistry, portableBuiltins, runVql } from "../../vql";
import { permissionsOf } from "../auth/roles";
import { testServiceDeps, type TestDeps } from "../cluster/testing";
import { startArtifacts } from "../services/artifacts";
import { startAudit } from "../services/audit";
import { artifactVqlChecker } from "../vql/artifact-checker";
import type { ArtifactsService, Principal, VqlServices } from "@/engine/server/contracts";
import { flowBuiltins } from "./flows";

const admin = { userId: "a", username: "a", role: "administrator", permissions: new Set(permissionsOf("administrator")), via: "session" } as Principal;
const registry = createRegistry([...portableBuiltins, ...flowBuiltins]);

describe("source() without a collection to read", () => {
  let database: Database;
  let t: TestDeps;
  let artifacts: ArtifactsService;
  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    t = await testServiceDeps(database);
    artifacts = await startArtifacts({ ...t, audit: startAudit(t), vqlChecker: artifactVqlChecker() }, t.signal);
  });
  afterAll(async () => {
    await t?.stop();
    await database?.close();
  });

  async function errors(vql: string): Promise<string[]> {
    const out: string[] = [];
    for await (const e of runVql(vql, { registry, permissions: admin.permissions, host: { principal: admin, services: { artifacts } as unknown as VqlServices } })) {
      if (e.kind === "log" && e.level === "ERROR") out.push(e.message);
    }
    return out;
  }

  it("names an unknown artifact and the nearest one", async () => {
    // The built-in repository holds Linux.Sys.Pslist; the typo is one letter longer.
    expect(artifacts.get("Linux.Sys.Pslist")).toBeDefined();
    expect(await errors('SELECT * FROM source(artifact="Linux.Sys.Pslistt")')).toEqual(["source: no artifact `Linux.Sys.Pslistt`; did you mean `Linux.Sys.Pslist`?"]);
  });

  it("says which ids a known artifact's rows need", async () => {
    expect(await errors('SELECT * FROM source(artifact="Linux.Sys.Pslist", client_id="C.1")')).toEqual([
      "source: needs flow_id to read the collection of `Linux.Sys.Pslist` (or hunt_id for a hunt's rows)",
    ]);
  });
});
