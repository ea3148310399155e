// The built-in Server.Utils artifacts, called from a server query as an administrator against a
// real engine (in memory) with a real agent on this machine: collect from a client and read its
// results, cancel a hunt's collections in flight, delete a notebook (dry run first).
import { existsSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toJsonValue } from "@/engine/vql";
import { MemoryOutbox } from "@/engine/client/connection/outbox";
import { createVqlRunner } from "@/engine/client/executor/vql-runner";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { permissionsOf } from "@/engine/server/auth/roles";
import type { Principal } from "@/engine/server/contracts";
import { startTestAgent, startTestServer, waitFor, type TestServer } from "@/engine/integration/harness";

const admin: Principal = { userId: "a", username: "alice", role: "administrator", permissions: permissionsOf("administrator"), via: "session" };
const SLEEPER = "name: Custom.Catalogue.Sleep\ntype: CLIENT\nsources:\n  - query: SELECT sleep(time=60) AS Slept FROM scope()\n";

let s: TestServer;
let agent: ReturnType<typeof startTestAgent>;

beforeAll(async () => {
  s = await startTestServer({ memory: true, agentHeartbeatMs: 60_000 });
  const token = await s.engine.clients.ensureDeploymentToken();
  agent = startTestAgent({ url: s.url, token, outbox: new MemoryOutbox(), runner: createVqlRunner(createLinuxSystem()) });
  await waitFor(async () => (await s.engine.clients.get(admin, agent.clientId)).hostname, "interrogation", 20_000);
}, 60_000);
afterAll(async () => {
  await agent?.stop();
  await s?.close();
});

async function query(vql: string, timeoutMs = 20_000) {
  const rows: Record<string, unknown>[] = [];
  const errors: string[] = [];
  const logs: string[] = [];
  const signal = AbortSignal.timeout(timeoutMs);
  // As a notebook cell or the query API runs it: with the notebooks service.
  for await (const e of s.engine.queries.run(vql, { principal: admin, signal, notebooks: s.engine.notebooks as never })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
    else if (e.kind === "log") {
      logs.push(`${e.level} ${e.message}`);
      if (e.level === "ERROR") errors.push(e.message);
    }
  }
  return { rows, errors, logs };
}

describe("Server.Utils artifacts", () => {
  it("Server.Utils.CollectClient finds the client by host name, collects, waits and returns the rows with Source and client_id", async () => {
    const r = await query(`SELECT * FROM Artifact.Server.Utils.CollectClient(ArtifactName='Linux.Sys.OSRelease', Client='host:${hostname()}')`);
    expect(r.errors).toEqual([]);
    expect(r.rows, r.logs.join("\n")).toHaveLength(1);
    const row = r.rows[0]!;
    expect(Object.keys(row).slice(-2)).toEqual(["Source", "client_id"]);
    expect(row).toMatchObject({ Source: "Linux.Sys.OSRelease", client_id: agent.clientId });
    // The distribution's ID, read here from this machine's os-release.
    const osRelease = readFileSync(existsSync("/etc/os-release") ? "/etc/os-release" : "/usr/lib/os-release", "utf8");
    expect(row.ID).toBe(/^ID=["']?([^"'\n]*)/m.exec(osRelease)![1]);
  });

  it("Server.Utils.CollectClient logs and returns nothing when no client matches", async () => {
    const r = await query("SELECT * FROM Artifact.Server.Utils.CollectClient(Client='host:no-such-host-anywhere')");
    expect(r.rows).toEqual([]);
  });

  it("Server.Utils.CancelHunt cancels the hunt's running collections: HuntId, client_id, flow_id, Cancellation", async () => {
    await s.engine.artifacts.set(admin, SLEEPER);
    const hunt = await s.engine.hunts.create(admin, { artifacts: ["Custom.Catalogue.Sleep"], description: "catalogue" });
    // The manager offers the hunt to the client, which starts sleeping.
    const flowId = await waitFor(async () => {
      await s.engine.hunts.tick();
      const c = (await s.engine.hunts.clients(admin, hunt.huntId)).find((x) => x.clientId === agent.clientId && x.state === "running");
      return c?.flowId ?? undefined;
    }, "the hunt's flow to run", 20_000);
    const r = await query(`SELECT * FROM Artifact.Server.Utils.CancelHunt(HuntId='${hunt.huntId}')`);
    expect(r.errors).toEqual([]);
    expect(r.rows.map((x) => Object.keys(x))).toEqual([["HuntId", "client_id", "flow_id", "Cancellation"]]);
    expect(r.rows[0]).toMatchObject({ HuntId: hunt.huntId, client_id: agent.clientId, flow_id: flowId });
    const ended = await waitFor(async () => {
      const f = await s.engine.flows.get(admin, agent.clientId, flowId);
      return f.state !== "RUNNING" && f.state !== "WAITING" ? f : undefined;
    }, "the flow to end", 20_000);
    expect(ended.state).toBe("CANCELLED");
  });

  it("Server.Utils.DeleteNotebook shows the notebook on a dry run and deletes it with ReallyDoIt", async () => {
    const nb = await s.engine.notebooks.create(admin, { name: "Doomed notebook" });
    const dry = await query(`SELECT * FROM Artifact.Server.Utils.DeleteNotebook(NotebookId='${nb.id}')`);
    expect(dry.rows, dry.logs.join("\n")).toEqual([{ NotebookId: nb.id, Name: "Doomed notebook", Creator: "alice", Deleted: false }]);
    expect((await s.engine.notebooks.get(admin, nb.id)).name).toBe("Doomed notebook");
    const real = await query(`SELECT * FROM Artifact.Server.Utils.DeleteNotebook(NotebookId='${nb.id}', ReallyDoIt=TRUE)`);
    expect(real.rows).toEqual([{ NotebookId: nb.id, Name: "Doomed notebook", Creator: "alice", Deleted: true }]);
    await expect(s.engine.notebooks.get(admin, nb.id)).rejects.toThrow();
  });
});
