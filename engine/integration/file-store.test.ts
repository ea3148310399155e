// create_flow_download(), create_hunt_download(), file_store() and file_store_delete() against a
// real engine with test agents on PGlite and PostgreSQL: the zip written into the database file
// store is read back with yauzl (not the writer) through the download route and through the
// local copy file_store() makes, and compared with the rows, log and upload the flows service
// stored; refusals (password, no PREPARE_RESULTS, file_store_delete without SERVER_ADMIN).
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import yauzl from "yauzl";
import { testDatabaseTargets } from "@/drizzle/testing";
import { toJsonValue } from "@/engine/vql";
import type { ArtifactDefinition, Engine, Principal } from "@/engine/server/contracts";
import { MemoryOutbox } from "../client/connection/outbox";
import type { SourceRunner } from "../client/executor/types";
import { createVqlRunner } from "../client/executor/vql-runner";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { principal } from "../server/services/notebooks/testing";
import { scriptedRunner, startTestAgent, startTestServer, testArtifacts, waitFor, type TestServer } from "./harness";

let who: Principal | undefined;
vi.mock("server-only", () => ({}));
vi.mock("@/app/_server/auth", () => ({ currentPrincipal: async () => who }));
const downloadRoute = await import("@/app/api/file-store/download/route");
const listRoute = await import("@/app/api/file-store/route");

const ARTIFACTS: ArtifactDefinition[] = [
  { name: "Generic.Client.Info", type: "CLIENT", parameters: [], sources: [{ name: "BasicInformation", query: "INFO" }] },
  {
    name: "Test.Export",
    type: "CLIENT",
    parameters: [{ name: "Path" }],
    sources: [{ query: "SELECT _value AS N, format(format='n=%v', args=_value) AS Text, if(condition=_value = 0, then=upload(file=Path)) AS Upload FROM range(end=4) WHERE log(message='export ran')" }],
  },
];

function runner(hostname: string): SourceRunner {
  const script = scriptedRunner({ hostname });
  const vql = createVqlRunner(createLinuxSystem());
  return {
    precondition: (q, ctx) => vql.precondition(q, ctx),
    async *run(q, ctx) {
      if (q === "INFO") yield* script.run(q, ctx);
      else yield* vql.run(q, ctx);
    },
  };
}

function unzip(data: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(data, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on("error", reject);
      zip.on("end", () => resolve(out));
      zip.on("entry", (e: yauzl.Entry) => {
        zip.openReadStream(e, (err2, s) => {
          if (err2 || !s) return reject(err2);
          const chunks: Buffer[] = [];
          s.on("data", (c: Buffer) => chunks.push(c));
          s.on("error", reject);
          s.on("end", () => {
            out.set(e.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

const jsonl = (b: Buffer | undefined) =>
  String(b ?? "")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

for (const target of testDatabaseTargets()) {
  describe(`file store exports (${target.name})`, () => {
    let s: TestServer;
    let engine: Engine;
    const agents: Array<ReturnType<typeof startTestAgent>> = [];
    const dir = mkdtempSync(join(tmpdir(), "talon-file-store-"));
    const admin = principal("alice", "administrator");
    const analyst = principal("ana", "analyst");
    const reader = principal("rita", "reader");
    const file = join(dir, "evidence.bin");
    const content = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 13) % 251));

    beforeAll(async () => {
      writeFileSync(file, content);
      s = await startTestServer({ database: await target.open(), artifactSource: testArtifacts(ARTIFACTS), agentHeartbeatMs: 60_000, huntTickMs: 50 });
      engine = s.engine;
      (globalThis as { __talonEngine?: Engine }).__talonEngine = engine;
      const token = await engine.clients.ensureDeploymentToken();
      for (const h of ["host-a", "host-b"]) agents.push(startTestAgent({ url: s.url, token, outbox: new MemoryOutbox(), runner: runner(h) }));
      for (const a of agents) await waitFor(() => engine.agents.isLocal(a.clientId), "connect");
      for (const a of agents) await waitFor(async () => (await engine.clients.get(admin, a.clientId)).hostname || undefined, "interrogated", 20_000);
    }, 60_000);
    afterAll(async () => {
      delete (globalThis as { __talonEngine?: Engine }).__talonEngine;
      for (const a of agents) await a.stop();
      await s?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    async function vql(text: string, p: Principal = admin) {
      const rows: Record<string, unknown>[] = [];
      const logs: string[] = [];
      for await (const e of engine.queries.run(text, { principal: p, adhoc: false })) {
        if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
        if (e.kind === "log" && e.level !== "DEBUG") logs.push(`${e.level} ${e.message}`);
      }
      return { rows, logs };
    }

    async function fetchStored(path: string, as: Principal = reader) {
      who = as;
      return downloadRoute.GET(new Request(`http://localhost/api/file-store/download?path=${encodeURIComponent(path)}`));
    }

    async function finishedFlow(clientId: string) {
      const f = await engine.flows.collect(admin, { clientId, artifacts: ["Test.Export"], parameters: { Path: file } });
      return waitFor(async () => {
        const x = await engine.flows.get(admin, clientId, f.flowId);
        return x.state === "FINISHED" ? x : undefined;
      }, `flow ${f.flowId}`, 60_000);
    }

    it("create_flow_download(wait=TRUE) stores the flow's zip: the path, the rows, the log and the upload as the flows service has them", async () => {
      const c = agents[0]!.clientId;
      const f = await finishedFlow(c);
      const out = await vql(`SELECT create_flow_download(client_id='${c}', flow_id='${f.flowId}', wait=TRUE) AS P FROM scope()`, analyst);
      const path = `/downloads/${c}/${f.flowId}/${c}-${f.flowId}.zip`;
      expect(out).toEqual({ rows: [{ P: path }], logs: [] });

      const res = await fetchStored(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${c}-${f.flowId}.zip"`);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(res.headers.get("content-length")).toBe(String(bytes.length));
      const entries = await unzip(bytes);
      const rows = jsonl(entries.get("results/Test.Export.json"));
      expect(rows.map((r) => [r.N, r.Text])).toEqual([0, 1, 2, 3].map((n) => [n, `n=${n}`]));
      expect(rows).toEqual((await engine.flows.results(admin, { clientId: c, flowId: f.flowId, artifact: "Test.Export" })).rows);
      expect(String(entries.get("results/Test.Export.csv")).split("\r\n")[0]).toBe("N,Text,Upload");
      expect(jsonl(entries.get("logs.json")).map((l) => l.message)).toContain("export ran");
      expect(entries.get(`uploads/${file.replace(/^\//, "")}`)!.equals(content)).toBe(true);
      expect(JSON.parse(String(entries.get("manifest.json")))).toMatchObject({ type: "flow", clientId: c, flowId: f.flowId, downloadedBy: "ana" });

      // Listed under the flow's prefix, complete, with its size.
      who = reader;
      const listed = await (await listRoute.GET(new Request(`http://localhost/api/file-store?prefix=${encodeURIComponent(`/downloads/${c}/${f.flowId}`)}`))).json();
      expect(listed.files).toEqual([expect.objectContaining({ path, size: bytes.length, complete: true, createdBy: "ana" })]);

      // file_store(): a real file in the data directory with the same bytes (sha256 of each).
      const local = await vql(`SELECT file_store(path='fs:${path}') AS L FROM scope()`, reader);
      expect(local.logs).toEqual([]);
      const localPath = local.rows[0]!.L as string;
      expect(localPath).toBe(join(engine.config.dataDir, "file_store", "downloads", c, f.flowId, `${c}-${f.flowId}.zip`));
      const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
      expect(sha(readFileSync(localPath))).toBe(sha(bytes));

      // file_store_delete(): SERVER_ADMIN; the file and its local copy are gone.
      expect((await vql(`SELECT file_store_delete(path='${path}') AS D FROM scope()`, analyst)).logs[0]).toMatch(/permission denied: `file_store_delete\(\)` needs SERVER_ADMIN/);
      expect(await vql(`SELECT file_store_delete(path='${path}') AS D FROM scope()`)).toEqual({ rows: [{ D: path }], logs: [] });
      expect(existsSync(localPath)).toBe(false);
      expect((await fetchStored(path)).status).toBe(404);
      expect(await vql(`SELECT file_store(path='${path}') AS L FROM scope()`)).toEqual({ rows: [{ L: null }], logs: [`ERROR file_store: no file at ${path} in the file store`] });
    }, 90_000);

    it("a name, a password (refused), no PREPARE_RESULTS (refused), wait=FALSE (written in the background)", async () => {
      const c = agents[1]!.clientId;
      const f = await finishedFlow(c);
      expect(await vql(`SELECT create_flow_download(client_id='${c}', flow_id='${f.flowId}', password='x', wait=TRUE) AS P FROM scope()`)).toEqual({
        rows: [{ P: null }],
        logs: ["ERROR create_flow_download: field `password`: encrypted export zips are not supported by Talon (no maintained library writes standard encrypted zips); leave it empty"],
      });
      expect((await vql(`SELECT create_flow_download(client_id='${c}', flow_id='${f.flowId}') AS P FROM scope()`, reader)).logs[0]).toMatch(/permission denied: `create_flow_download\(\)` needs PREPARE_RESULTS/);
      const out = await vql(`SELECT create_flow_download(client_id='${c}', flow_id='${f.flowId}', name='Host a b') AS P FROM scope()`);
      const path = `/downloads/${c}/${f.flowId}/Host_a_b.zip`;
      expect(out.rows).toEqual([{ P: path }]);
      const done = await waitFor(async () => {
        const r = await fetchStored(path);
        return r.status === 200 ? r : undefined;
      }, "background export", 30_000);
      const entries = await unzip(Buffer.from(await done.arrayBuffer()));
      expect(jsonl(entries.get("results/Test.Export.json")).map((r) => r.N)).toEqual([0, 1, 2, 3]);
    }, 90_000);

    it("create_hunt_download() (ExportHunt's call) stores the hunt's combined zip under /downloads/hunts/", async () => {
      const h = await engine.hunts.create(admin, { artifacts: ["Test.Export"], parameters: { Path: file }, description: "export me" });
      await waitFor(async () => ((await engine.hunts.get(admin, h.huntId)).stats.totalFinishedClients >= 2 ? true : undefined), "two clients finished", 60_000);
      const out = await vql(`SELECT create_hunt_download(hunt_id='${h.huntId}', only_combined=TRUE, wait=TRUE, base='Base-', format='', expand_sparse=TRUE) AS VFSPath FROM scope()`);
      const path = `/downloads/hunts/${h.huntId}/Base-${h.huntId}.zip`;
      expect(out).toEqual({ rows: [{ VFSPath: path }], logs: [] });
      const entries = await unzip(Buffer.from(await (await fetchStored(path)).arrayBuffer()));
      const rows = jsonl(entries.get("results/Test.Export.json"));
      // Four rows from each of the two clients, each naming its client.
      expect(rows.length).toBe(8);
      expect(new Set(rows.map((r) => r.ClientId))).toEqual(new Set(agents.map((a) => a.clientId)));
      expect(rows.filter((r) => r.ClientId === agents[0]!.clientId).map((r) => r.N).sort()).toEqual([0, 1, 2, 3]);
    }, 90_000);
  });
}
