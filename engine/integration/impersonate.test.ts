// An artifact's `impersonate` (Velociraptor: "the username whose ACL token the artifact runs
// with", setuid-like; calling it needs COLLECT_SERVER as collecting a server artifact does): its
// sources see the named user as whoami() and hold that user's permissions only, for a direct
// call and for one reached through another artifact; the calling query is itself again once
// the call ends; a caller without COLLECT_SERVER, and an artifact naming no such user, get
// nothing and an error. On a test server whose queries normally run in query workers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toJsonValue } from "@/engine/vql";
import { permissionsOf } from "../server/auth/roles";
import { SYSTEM_PRINCIPAL } from "../server/services/accounts";
import type { Principal } from "@/engine/server/contracts";
import { startTestServer, type TestServer } from "./harness";

const admin: Principal = { userId: "alice", username: "alice", role: "administrator", permissions: permissionsOf("administrator"), via: "session" };
const ivan: Principal = { userId: "ivan", username: "ivan", role: "investigator", permissions: permissionsOf("investigator"), via: "session" };

const AS_RITA = `name: Custom.AsRita
type: SERVER
impersonate: rita
sources:
  - query: |
      SELECT whoami() AS Who, { SELECT * FROM gui_users() } AS Users FROM scope()
`;
const OUTER = `name: Custom.Outer
type: SERVER
sources:
  - query: SELECT * FROM Artifact.Custom.AsRita()
`;
const AS_NOBODY = `name: Custom.AsNobody
type: SERVER
impersonate: nobody-here
sources:
  - query: SELECT whoami() AS Who FROM scope()
`;

async function run(s: TestServer, vql: string, principal: Principal) {
  const rows: Record<string, unknown>[] = [];
  const logs: string[] = [];
  for await (const e of s.engine.queries.run(vql, { principal })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

describe("impersonate", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ agentHeartbeatMs: 60_000, interrogationsPerSecond: 0 });
    await s.engine.accounts.createUser(SYSTEM_PRINCIPAL, { username: "rita", password: "rita-reader-password", role: "reader" });
    for (const y of [AS_RITA, OUTER, AS_NOBODY]) await s.engine.artifacts.set(admin, y);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  it("runs the artifact's sources as the named user, and the caller as itself after", async () => {
    // gui_users() needs SERVER_ADMIN: alice has it, rita (a reader) does not.
    const direct = await run(s, "SELECT whoami() AS Before, { SELECT Who, Users FROM Artifact.Custom.AsRita() } AS Inside, whoami() AS After, { SELECT * FROM gui_users() } AS Mine FROM scope()", admin);
    expect(direct.rows).toHaveLength(1);
    const row = direct.rows[0] as { Before: string; Inside: { Who: string; Users: unknown[] | null }; After: string; Mine: unknown };
    expect(row.Before).toBe("alice");
    expect(row.After).toBe("alice");
    // A one-row subquery is that row; rita's gui_users() is refused, so no users.
    expect(row.Inside.Who).toBe("rita");
    expect(row.Inside.Users ?? []).toEqual([]);
    // alice's own gui_users() (back as herself) lists rita.
    expect(JSON.stringify(row.Mine)).toContain('"rita"');
    expect(direct.logs.join("\n")).toMatch(/gui_users.*SERVER_ADMIN|SERVER_ADMIN.*gui_users/);
  });

  it("applies when reached through another artifact", async () => {
    const r = await run(s, "SELECT Who FROM Artifact.Custom.Outer()", admin);
    expect(r.rows).toEqual([{ Who: "rita" }]);
  });

  it("is refused, not run as the caller, where it could not be seen coming (a name built at run time, in a query worker)", async () => {
    const r = await run(s, `SELECT * FROM query(query=format(format="SELECT Who FROM Artifact.Custom.%v()", args="AsRita"))`, admin);
    expect(r.rows).toEqual([]);
    expect(r.logs.join("\n")).toContain("Artifact.Custom.AsRita: it runs as `rita` (impersonate), which is only possible in a query run by the server itself, not here");
  });

  it("needs COLLECT_SERVER to call, and a user that exists", async () => {
    const denied = await run(s, "SELECT * FROM Artifact.Custom.AsRita()", ivan);
    expect(denied.rows).toEqual([]);
    expect(denied.logs.join("\n")).toMatch(/COLLECT_SERVER/);
    const nobody = await run(s, "SELECT * FROM Artifact.Custom.AsNobody()", admin);
    expect(nobody.rows).toEqual([]);
    expect(nobody.logs).toContain("ERROR Artifact.Custom.AsNobody: cannot run as `nobody-here`: no such user, or the user is disabled");
  });
});
