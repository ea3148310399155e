// A flow source's table through its route handlers, on PGlite and PostgreSQL, against a real
// engine and a test agent: pages sorted and filtered in the database (total = the rows the
// filter keeps), sort and filter columns checked against the source's columns (a hostile name
// is a 400, never SQL), the CSV and JSON downloads of the same view, and the audit entry of a
// download counting the rows actually sent (all of them, or those before a cancel).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { testDatabaseTargets } from "@/drizzle/testing";
import type { ArtifactDefinition, Engine, Principal } from "@/engine/server/contracts";
import { MemoryOutbox } from "../client/connection/outbox";
import type { SourceRunner } from "../client/executor/types";
import { principal } from "../server/services/notebooks/testing";
import { parseCsv } from "@/e2e/support/unzip";
import { startTestAgent, startTestServer, testArtifacts, waitFor, type TestServer } from "./harness";

let who: Principal | undefined;
vi.mock("server-only", () => ({}));
vi.mock("@/app/_server/auth", () => ({ currentPrincipal: async () => who }));
const resultsRoute = await import("@/app/api/clients/[clientId]/flows/[flowId]/results/route");
const downloadRoute = await import("@/app/api/clients/[clientId]/flows/[flowId]/results/download/route");

// An account database; expected orders are worked out by hand from it.
const USERS = [
  { Name: "root", Uid: 0, Shell: "/bin/bash" },
  { Name: "daemon", Uid: 1, Shell: "/usr/sbin/nologin" },
  { Name: "alice", Uid: 1000, Shell: "/bin/bash" },
  { Name: "bob", Uid: 1001, Shell: "/bin/zsh" },
  { Name: "nobody", Uid: 65534, Shell: "/usr/sbin/nologin" },
  { Name: "=cmd", Uid: 7, Shell: "/bin/sh" },
];
const ARTIFACTS: ArtifactDefinition[] = [
  { name: "Generic.Client.Info", type: "CLIENT", parameters: [], sources: [{ name: "BasicInformation", query: "INFO" }] },
  { name: "Test.Users", type: "CLIENT", parameters: [], sources: [{ query: "USERS" }] },
  { name: "Test.Many", type: "CLIENT", parameters: [], sources: [{ query: "MANY" }] },
];

function runner(): SourceRunner {
  return {
    precondition: async () => true,
    async *run(q) {
      if (q === "INFO") yield { kind: "row", columns: ["Hostname", "Fqdn", "OS"], row: { Hostname: "view-host", Fqdn: "view-host", OS: "linux" } };
      if (q === "USERS") for (const u of USERS) yield { kind: "row", columns: ["Name", "Uid", "Shell"], row: u };
      if (q === "MANY") for (let i = 0; i < 5000; i++) yield { kind: "row", columns: ["N", "Pad"], row: { N: i, Pad: "x".repeat(200) } };
    },
  };
}

for (const target of testDatabaseTargets()) {
  describe(`a flow source's sorted, filtered table and its downloads (${target.name})`, () => {
    let s: TestServer;
    let engine: Engine;
    let agent: ReturnType<typeof startTestAgent>;
    const admin = principal("alice", "administrator");
    const reader = principal("rita", "reader");
    let clientId = "";
    let flowId = "";

    beforeAll(async () => {
      s = await startTestServer({ database: await target.open(), artifactSource: testArtifacts(ARTIFACTS), agentHeartbeatMs: 60_000 });
      engine = s.engine;
      (globalThis as { __talonEngine?: Engine }).__talonEngine = engine;
      agent = startTestAgent({ url: s.url, token: await engine.clients.ensureDeploymentToken(), outbox: new MemoryOutbox(), runner: runner() });
      await waitFor(() => engine.agents.isLocal(agent.clientId), "connect");
      clientId = agent.clientId;
      flowId = (await engine.flows.collect(admin, { clientId, artifacts: ["Test.Users"] })).flowId;
      await waitFor(async () => (await engine.flows.get(admin, clientId, flowId)).state === "FINISHED", "the flow", 30_000);
    }, 60_000);
    afterAll(async () => {
      delete (globalThis as { __talonEngine?: Engine }).__talonEngine;
      await agent?.stop();
      await s?.close();
    });

    async function results(query: string, as: Principal = reader) {
      who = as;
      const res = await resultsRoute.GET(new Request(`http://localhost/api/clients/${clientId}/flows/${flowId}/results?${query}`), { params: Promise.resolve({ clientId, flowId }) });
      return { status: res.status, body: (await res.json()) as { rows: Array<Record<string, unknown>>; total: number; columns: string[]; message?: string } };
    }
    async function download(query: string, p: { flow?: string; signal?: AbortSignal } = {}) {
      who = reader;
      const f = p.flow ?? flowId;
      return downloadRoute.GET(new Request(`http://localhost/api/clients/${clientId}/flows/${f}/results/download?${query}`, { signal: p.signal }), { params: Promise.resolve({ clientId, flowId: f }) });
    }
    const names = (rows: Array<Record<string, unknown>>) => rows.map((r) => r.Name);
    const lastAudit = async () => (await engine.audit.list({ limit: 1, operation: "DownloadFlowResults" }))[0];

    it("pages sort numerically on the server, both ways, and page within the sorted rows", async () => {
      const asc = await results("artifact=Test.Users&sort=Uid");
      expect(asc.status).toBe(200);
      expect(names(asc.body.rows)).toEqual(["root", "daemon", "=cmd", "alice", "bob", "nobody"]);
      expect(asc.body).toMatchObject({ total: 6, columns: ["Name", "Uid", "Shell"] });
      const desc = await results("artifact=Test.Users&sort=Uid&desc=1&offset=1&limit=2");
      expect(names(desc.body.rows)).toEqual(["bob", "alice"]);
    });

    it("a filter keeps matching rows (one column or any), and the total counts them", async () => {
      const shells = await results("artifact=Test.Users&filter=NOLOGIN&filterColumn=Shell&sort=Uid&desc=1");
      expect(names(shells.body.rows)).toEqual(["nobody", "daemon"]);
      expect(shells.body.total).toBe(2);
      const any = await results("artifact=Test.Users&filter=bash");
      expect(names(any.body.rows)).toEqual(["root", "alice"]);
      expect(any.body.total).toBe(2);
    });

    it("sort and filter columns must be the source's columns: anything else is a 400 naming it", async () => {
      const hostile = encodeURIComponent("Uid') desc; drop table flow_results; --");
      for (const q of [`sort=${hostile}`, `filter=x&filterColumn=${hostile}`, "sort=Password", "desc=maybe&sort=Uid", "limit=-1"]) {
        const r = await results(`artifact=Test.Users&${q}`);
        expect(r.status, q).toBe(400);
      }
      expect((await results(`artifact=Test.Users&sort=${hostile}`)).body.message).toContain("no column `Uid') desc; drop table flow_results; --` to sort by");
      expect((await download(`artifact=Test.Users&format=csv&sort=${hostile}`)).status).toBe(400);
      // The rows are all still there.
      expect((await results("artifact=Test.Users")).body.total).toBe(USERS.length);
    });

    it("CSV and JSON downloads hold the view's rows in its order; each is audited with the rows sent", async () => {
      const csv = await download("artifact=Test.Users&format=csv&sort=Uid&desc=1&filter=/bin/&filterColumn=Shell");
      expect(csv.status).toBe(200);
      expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(csv.headers.get("content-disposition")).toBe(`attachment; filename="${clientId}-${flowId}-Test.Users.csv"`);
      // The formula-like name is neutralised (export/csv.ts).
      expect(parseCsv(await csv.text())).toEqual([
        ["Name", "Uid", "Shell"],
        ["bob", "1001", "/bin/zsh"],
        ["alice", "1000", "/bin/bash"],
        ["'=cmd", "7", "/bin/sh"],
        ["root", "0", "/bin/bash"],
      ]);
      expect(await lastAudit()).toMatchObject({ principal: "rita", details: { client_id: clientId, flow_id: flowId, artifact: "Test.Users", format: "csv", rows: 4, complete: true } });
      const json = await download("artifact=Test.Users&format=json&filter=nologin");
      expect(JSON.parse(await json.text())).toEqual([USERS[1], USERS[4]]);
      expect(await lastAudit()).toMatchObject({ details: { format: "json", rows: 2, complete: true } });
      const none = await download("artifact=Test.Users&format=json&filter=nothing-matches");
      expect(JSON.parse(await none.text())).toEqual([]);
      expect(await lastAudit()).toMatchObject({ details: { rows: 0, complete: true } });
    });

    it("a download cancelled after its first part is audited with the rows sent so far, incomplete", async () => {
      const many = (await engine.flows.collect(admin, { clientId, artifacts: ["Test.Many"] })).flowId;
      await waitFor(async () => (await engine.flows.get(admin, clientId, many)).state === "FINISHED", "the flow", 30_000);
      const res = await download("artifact=Test.Many&format=csv", { flow: many });
      const reader = res.body!.getReader();
      let text = "";
      while (!text.includes("\n0,")) text += new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
      const entry = await waitFor(async () => {
        const e = await lastAudit();
        return e && (e.details as { flow_id?: string }).flow_id === many ? e : undefined;
      }, "the audit entry");
      const sent = (entry.details as { rows: number }).rows;
      expect(entry.details).toMatchObject({ complete: false });
      expect(sent).toBeGreaterThan(0);
      expect(sent).toBeLessThan(5000);
    });
  });
}
