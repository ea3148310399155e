// import() through the server's query runner (its workers, whose repository is a snapshot): a
// custom artifact's export, saved on the server, is imported by ad-hoc VQL as a notebook cell
// runs it, and its LETs are used by the next statements.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toJsonValue } from "@/engine/vql";
import { permissionsOf } from "../server/auth/roles";
import type { Principal } from "@/engine/server/contracts";
import { startTestServer, type TestServer } from "./harness";

const admin: Principal = { userId: "alice", username: "alice", role: "administrator", permissions: permissionsOf("administrator"), via: "session" };
const LIB = "name: Custom.Import.Lib\ntype: SERVER\nexport: |\n  LET Double(X) = X * 2\n  LET Base = 21\nsources:\n  - query: SELECT 1 AS One FROM scope()\n";

describe("import() on a test server", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ agentHeartbeatMs: 60_000, interrogationsPerSecond: 0 });
    await s.engine.artifacts.set(admin, LIB);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  it("ad-hoc VQL uses the imported definitions", async () => {
    const rows: unknown[] = [];
    const logs: string[] = [];
    const vql = "LET _ <= import(artifact='Custom.Import.Lib') SELECT Double(X=Base) AS Answer FROM scope()";
    for await (const e of s.engine.queries.run(vql, { principal: admin, adhoc: true })) {
      if (e.kind === "row") rows.push(toJsonValue(e.row));
      if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
    }
    expect(rows, logs.join("\n")).toEqual([{ Answer: 42 }]);
  }, 60_000);
});
