// Flow and hunt zips through their route handlers, against a real engine with test agents on
// PGlite and PostgreSQL, each archive read back with yauzl (another zip implementation than the
// writer's): every entry's content against what the flows service stored, CSV formulas
// neutralised, upload bytes and hashes, the manifest, the audit entry with the rows written,
// refusals (no READ_RESULTS, unknown flow), and reading that follows the reader (a paused
// download stops reading rows; a cancelled one is audited as incomplete).
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import yauzl from "yauzl";
import { testDatabaseTargets } from "@/drizzle/testing";
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
// A full collection on demand, to measure what the download retains rather than its garbage.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const flowRoute = await import("@/app/api/clients/[clientId]/flows/[flowId]/download/route");
const huntRoute = await import("@/app/api/hunts/[huntId]/download/route");

/** 1,000 hex digits from a seeded generator (xorshift32): rows that do not compress away. */
function noise(seed: number): string {
  let x = seed + 1;
  let out = "";
  while (out.length < 1000) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += (x >>> 0).toString(16).padStart(8, "0");
  }
  return out.slice(0, 1000);
}
const ARTIFACTS: ArtifactDefinition[] = [
  { name: "Generic.Client.Info", type: "CLIENT", parameters: [], sources: [{ name: "BasicInformation", query: "INFO" }] },
  {
    name: "Test.Download",
    type: "CLIENT",
    parameters: [{ name: "Path" }],
    sources: [
      { name: "First", query: "SELECT _value AS N, format(format='row %v', args=_value) AS Text FROM range(end=3) WHERE log(message='first source ran')" },
      { name: "Second", query: "SELECT '=1+1' AS Formula, 'a,\"b\"' AS Quoted, upload(file=Path) AS Upload FROM scope()" },
    ],
  },
  { name: "Test.Many", type: "CLIENT", parameters: [{ name: "Count" }], sources: [{ query: "MANY_ROWS" }] },
  {
    name: "Test.HuntDl",
    type: "CLIENT",
    parameters: [{ name: "Path" }],
    sources: [
      { name: "Rows", query: "HOST_ROWS" },
      { name: "Files", query: "SELECT upload(file=Path) AS Upload FROM scope()" },
    ],
  },
];

/**
 * The scripted words of the harness (INFO) plus HOST_ROWS (two rows naming the host; one host
 * adds a column) and MANY_ROWS (Count rows of 1,000 noisy characters); VQL for the rest.
 */
function runner(hostname: string): SourceRunner {
  const script = scriptedRunner({ hostname });
  const vql = createVqlRunner(createLinuxSystem());
  return {
    precondition: (q, ctx) => vql.precondition(q, ctx),
    async *run(q, ctx) {
      if (q === "INFO") yield* script.run(q, ctx);
      else if (q === "HOST_ROWS") {
        for (let i = 0; i < 2; i++) {
          const row: Record<string, unknown> = { Host: hostname, I: i };
          if (hostname === "host-b") row.Extra = "@SUM(A1)";
          yield { kind: "row", columns: Object.keys(row), row };
        }
      } else if (q === "MANY_ROWS") {
        for (let i = 0; i < Number(ctx.env.Count); i++) yield { kind: "row", columns: ["N", "Text"], row: { N: i, Text: noise(i) } };
      } else yield* vql.run(q, ctx);
    },
  };
}

/** Every file entry of a zip archive, read with yauzl. */
function unzip(data: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(data, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on("error", reject);
      zip.on("end", () => resolve(out));
      zip.on("entry", (e: yauzl.Entry) => {
        if (out.has(e.fileName)) return reject(new Error(`${e.fileName} twice`));
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
  describe(`flow and hunt downloads (${target.name})`, () => {
    let s: TestServer;
    let engine: Engine;
    const agents: Array<ReturnType<typeof startTestAgent>> = [];
    const dir = mkdtempSync(join(tmpdir(), "talon-downloads-"));
    const admin = principal("alice", "administrator");
    const reader = principal("rita", "reader");
    const file = join(dir, "evidence.bin");
    const content = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 251));
    const sha = createHash("sha256").update(content).digest("hex");

    beforeAll(async () => {
      writeFileSync(file, content);
      s = await startTestServer({ database: await target.open(), artifactSource: testArtifacts(ARTIFACTS), agentHeartbeatMs: 60_000, huntTickMs: 50 });
      engine = s.engine;
      (globalThis as { __talonEngine?: Engine }).__talonEngine = engine;
      const token = await engine.clients.ensureDeploymentToken();
      for (const h of ["host-a", "host-b", "host-c"]) agents.push(startTestAgent({ url: s.url, token, outbox: new MemoryOutbox(), runner: runner(h) }));
      for (const a of agents) await waitFor(() => engine.agents.isLocal(a.clientId), "connect");
      for (const a of agents) await waitFor(async () => (await engine.clients.get(admin, a.clientId)).hostname || undefined, "interrogated", 20_000);
    }, 60_000);
    afterAll(async () => {
      delete (globalThis as { __talonEngine?: Engine }).__talonEngine;
      for (const a of agents) await a.stop();
      await s?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    async function finished(clientId: string, flowId: string) {
      return waitFor(async () => {
        const f = await engine.flows.get(admin, clientId, flowId);
        return ["FINISHED", "ERROR", "TIMEOUT", "CANCELLED"].includes(f.state) ? f : undefined;
      }, `flow ${flowId}`, 60_000);
    }

    function getFlowZip(as: Principal | undefined, clientId: string, flowId: string, signal?: AbortSignal) {
      who = as;
      const req = new Request(`http://localhost/api/clients/${clientId}/flows/${flowId}/download`, { signal });
      return flowRoute.GET(req, { params: Promise.resolve({ clientId, flowId }) });
    }

    it("a flow's zip holds each source as JSON lines and CSV, the log, the upload and a manifest, as stored", async () => {
      const c = agents[0]!.clientId;
      const f = await engine.flows.collect(admin, { clientId: c, artifacts: ["Test.Download"], parameters: { Path: file } });
      expect((await finished(c, f.flowId)).state).toBe("FINISHED");

      const res = await getFlowZip(reader, c, f.flowId);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/zip");
      expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${c}-${f.flowId}.zip"`);
      expect(res.headers.get("content-length")).toBeNull();
      const entries = await unzip(Buffer.from(await res.arrayBuffer()));
      expect([...entries.keys()].sort()).toEqual(
        ["logs.csv", "logs.json", "manifest.json", "results/Test.Download/First.csv", "results/Test.Download/First.json", "results/Test.Download/Second.csv", "results/Test.Download/Second.json", `uploads/${file.replace(/^\//, "")}`].sort(),
      );

      // Rows: the query's values, and exactly what the flows service stored.
      const first = jsonl(entries.get("results/Test.Download/First.json"));
      expect(first).toEqual([0, 1, 2].map((n) => ({ N: n, Text: `row ${n}` })));
      expect(first).toEqual((await engine.flows.results(admin, { clientId: c, flowId: f.flowId, artifact: "Test.Download/First" })).rows);
      expect(String(entries.get("results/Test.Download/First.csv"))).toBe("N,Text\r\n0,row 0\r\n1,row 1\r\n2,row 2\r\n");
      const second = jsonl(entries.get("results/Test.Download/Second.json"));
      expect(second).toEqual((await engine.flows.results(admin, { clientId: c, flowId: f.flowId, artifact: "Test.Download/Second" })).rows);
      expect(second).toEqual([{ Formula: "=1+1", Quoted: 'a,"b"', Upload: expect.objectContaining({ Size: content.length, sha256: sha }) }]);
      // The CSV: a formula shown as text (OWASP), quotes doubled, an object as JSON in one field.
      const [header, row, end] = String(entries.get("results/Test.Download/Second.csv")).split("\r\n");
      expect(header).toBe("Formula,Quoted,Upload");
      expect(row!.startsWith(`'=1+1,"a,""b""","{`)).toBe(true);
      expect(end).toBe("");

      // The log, in order, as the flows service has it.
      const stored = (await engine.flows.logs(admin, { clientId: c, flowId: f.flowId, limit: 1000 })).items;
      const logs = jsonl(entries.get("logs.json"));
      expect(logs.map((l) => l.message)).toEqual(stored.map((l) => l.message));
      expect(logs.map((l) => l.message)).toContain("first source ran");
      expect(logs[0]).toEqual({ time: stored[0]!.time.toISOString(), level: stored[0]!.level, message: stored[0]!.message, artifact: stored[0]!.artifact });
      const csvLog = String(entries.get("logs.csv")).split("\r\n");
      expect(csvLog[0]).toBe("time,level,message,artifact");
      expect(csvLog.length).toBe(stored.length + 2);

      // The upload, byte for byte.
      const up = entries.get(`uploads/${file.replace(/^\//, "")}`)!;
      expect(up.equals(content)).toBe(true);

      const manifest = JSON.parse(String(entries.get("manifest.json")));
      expect(manifest).toMatchObject({
        type: "flow",
        clientId: c,
        flowId: f.flowId,
        artifacts: ["Test.Download"],
        downloadedBy: "rita",
        sources: [
          { name: "Test.Download/First", rows: 3, json: "results/Test.Download/First.json", csv: "results/Test.Download/First.csv" },
          { name: "Test.Download/Second", rows: 1, json: "results/Test.Download/Second.json", csv: "results/Test.Download/Second.csv" },
        ],
        logs: { rows: stored.length },
        uploads: [{ path: `uploads/${file.replace(/^\//, "")}`, name: file, size: content.length, sha256: sha, bytesWritten: content.length }],
      });
      expect(new Date(manifest.createdAt).getTime()).toBe(f.createdAt.getTime());

      const audit = await waitFor(async () => (await engine.audit.list({ limit: 50, operation: "DownloadFlow" })).find((e) => e.details.flow_id === f.flowId), "audit entry");
      expect(audit).toMatchObject({ principal: "rita", details: { client_id: c, flow_id: f.flowId, rows: 4, logs: stored.length, uploads: 1, complete: true } });
    });

    it("refuses a user without READ_RESULTS (403), anyone signed out (401), and an unknown flow (404)", async () => {
      const c = agents[0]!.clientId;
      const nobody: Principal = { ...reader, username: "nobody", permissions: new Set() };
      expect((await getFlowZip(nobody, c, "F.0123456789ABC")).status).toBe(403);
      expect((await getFlowZip(undefined, c, "F.0123456789ABC")).status).toBe(401);
      const missing = await getFlowZip(reader, c, "F.0123456789ABC");
      expect(missing.status).toBe(404);
      expect(missing.headers.get("content-type")).toMatch(/json/);
      who = reader;
      expect((await huntRoute.GET(new Request("http://localhost/x"), { params: Promise.resolve({ huntId: "H.0123456789ABC" }) })).status).toBe(404);
    });

    it("25,000 rows: read page by page as the reader pulls, memory bounded, a cancelled download audited as incomplete", async () => {
      const c = agents[1]!.clientId;
      const count = 25_000;
      const f = await engine.flows.collect(admin, { clientId: c, artifacts: ["Test.Many"], parameters: { Count: String(count) } });
      expect(await finished(c, f.flowId)).toMatchObject({ state: "FINISHED", totalRows: count });

      // Count the pages the download reads from the flows service.
      const flows = engine.flows as { results: Engine["flows"]["results"] };
      const original = flows.results;
      let pages = 0;
      flows.results = (actor, p) => {
        if (p.flowId === f.flowId) pages++;
        return original.call(engine.flows, actor, p);
      };
      try {
        // A reader that takes one chunk and stops: the service stops reading a few pages in.
        const ac = new AbortController();
        const paused = await getFlowZip(reader, c, f.flowId, ac.signal);
        const r = paused.body!.getReader();
        await r.read();
        await new Promise((x) => setTimeout(x, 500));
        expect(pages).toBeGreaterThan(0);
        console.log(`[downloads ${target.name}] paused after one chunk: ${pages} pages read`);
        expect(pages).toBeLessThan(10); // of 2 × 25 pages (JSON and CSV)
        await r.cancel();
        const cancelled = await waitFor(async () => (await engine.audit.list({ limit: 50, operation: "DownloadFlow" })).find((e) => e.details.flow_id === f.flowId), "audit of the cancelled download");
        expect(cancelled.details).toMatchObject({ complete: false });
        expect(Number(cancelled.details.rows)).toBeLessThan(count);

        // The whole archive, read chunk by chunk (never held whole here either): heap sampled.
        pages = 0;
        gc();
        const before = process.memoryUsage().heapUsed;
        let peak = before;
        let size = 0;
        const whole = await getFlowZip(reader, c, f.flowId);
        const zipFile = join(dir, "many.zip");
        const fh = await open(zipFile, "w");
        let n = 0;
        for await (const chunk of whole.body as unknown as AsyncIterable<Uint8Array>) {
          size += chunk.length;
          await fh.write(chunk);
          // What is retained (after a full collection), every 25 chunks.
          if (++n % 25 === 0) {
            gc();
            peak = Math.max(peak, process.memoryUsage().heapUsed);
          }
        }
        await fh.close();
        expect(pages).toBe(2 * Math.ceil(count / 1000) + 2); // JSON and CSV: full pages then one empty read each
        const entries = await unzip(readFileSync(zipFile));
        const rows = jsonl(entries.get("results/Test.Many.json"));
        expect(rows.length).toBe(count);
        expect(rows[count - 1]).toEqual({ N: count - 1, Text: noise(count - 1) });
        expect(String(entries.get("results/Test.Many.csv")).split("\r\n").length).toBe(count + 2);
        const uncompressed = [...entries.values()].reduce((n, b) => n + b.length, 0);
        // Loose: the entries are ~48 MiB uncompressed and the archive ~26 MiB; a writer that held
        // either would retain that much. Streamed, a few pages are in flight at a time.
        expect(peak - before).toBeLessThan(16 * 1048576);
        console.log(`[downloads ${target.name}] ${count} rows: archive ${(size / 1048576).toFixed(1)} MiB, entries ${(uncompressed / 1048576).toFixed(1)} MiB uncompressed, heap retained at most +${((peak - before) / 1048576).toFixed(1)} MiB while reading it`);
        const done = await waitFor(async () => (await engine.audit.list({ limit: 50, operation: "DownloadFlow" })).find((e) => e.details.flow_id === f.flowId && e.details.complete === true), "audit");
        expect(done.details.rows).toBe(count);
      } finally {
        flows.results = original;
      }
    }, 180_000);

    it("a hunt's zip combines every client's rows per source with ClientId, FlowId and Fqdn, and each client's upload", async () => {
      const h = await engine.hunts.create(admin, { artifacts: ["Test.HuntDl"], parameters: { Path: file }, description: "download me" });
      const done = await waitFor(async () => {
        const x = await engine.hunts.get(admin, h.huntId);
        return x.stats.totalFinishedClients >= 3 ? x : undefined;
      }, "three clients finished", 60_000);
      expect(done.stats.totalClientsWithResults).toBe(3);
      const members = await engine.hunts.clients(admin, h.huntId);
      expect(members.map((m) => m.clientId).sort()).toEqual(agents.map((a) => a.clientId).sort());

      who = reader;
      const res = await huntRoute.GET(new Request(`http://localhost/api/hunts/${h.huntId}/download`), { params: Promise.resolve({ huntId: h.huntId }) });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${h.huntId}.zip"`);
      const entries = await unzip(Buffer.from(await res.arrayBuffer()));
      const uploadPaths = members.map((m) => `clients/${m.clientId}/${m.flowId}/uploads/${file.replace(/^\//, "")}`);
      expect([...entries.keys()].sort()).toEqual(
        ["manifest.json", "results/Test.HuntDl/Files.csv", "results/Test.HuntDl/Files.json", "results/Test.HuntDl/Rows.csv", "results/Test.HuntDl/Rows.json", ...uploadPaths].sort(),
      );
      for (const p of uploadPaths) expect(entries.get(p)!.equals(content)).toBe(true);

      // Every client's two rows, as hunt_results() gives them.
      const rows = jsonl(entries.get("results/Test.HuntDl/Rows.json"));
      const expected = members.flatMap((m) => {
        const host = agents.find((a) => a.clientId === m.clientId) === agents[0] ? "host-a" : agents.find((a) => a.clientId === m.clientId) === agents[1] ? "host-b" : "host-c";
        return [0, 1].map((i) => ({ Host: host, I: i, ...(host === "host-b" ? { Extra: "@SUM(A1)" } : {}), ClientId: m.clientId, FlowId: m.flowId, Fqdn: `${host}.example.com` }));
      });
      const key = (r: Record<string, unknown>) => `${r.ClientId} ${r.I}`;
      expect([...rows].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(expected.sort((a, b) => key(a).localeCompare(key(b))));
      const viaService: Record<string, unknown>[] = [];
      for await (const r of engine.hunts.results(admin, { huntId: h.huntId, artifact: "Test.HuntDl", source: "Rows" })) viaService.push(r);
      expect(rows).toEqual(viaService);

      // The CSV header is the union of the clients' columns, then ClientId, FlowId, Fqdn.
      const csv = String(entries.get("results/Test.HuntDl/Rows.csv")).split("\r\n");
      expect(csv[0]).toBe("Host,I,Extra,ClientId,FlowId,Fqdn");
      expect(csv.length).toBe(6 + 2);
      const b = members.find((m) => agents[1]!.clientId === m.clientId)!;
      expect(csv).toContain(`host-b,0,'@SUM(A1),${b.clientId},${b.flowId},host-b.example.com`);
      const a = members.find((m) => agents[0]!.clientId === m.clientId)!;
      expect(csv).toContain(`host-a,1,,${a.clientId},${a.flowId},host-a.example.com`);
      expect(jsonl(entries.get("results/Test.HuntDl/Files.json")).map((r) => r.ClientId).sort()).toEqual(members.map((m) => m.clientId).sort());

      const manifest = JSON.parse(String(entries.get("manifest.json")));
      expect(manifest).toMatchObject({
        type: "hunt",
        huntId: h.huntId,
        description: "download me",
        artifacts: ["Test.HuntDl"],
        downloadedBy: "rita",
        clients: 3,
        sources: [
          { name: "Test.HuntDl/Files", rows: 3 },
          { name: "Test.HuntDl/Rows", rows: 6 },
        ],
      });
      expect(manifest.uploads).toHaveLength(3);
      for (const u of manifest.uploads) expect(u).toMatchObject({ size: content.length, sha256: sha, bytesWritten: content.length });
      const audit = await waitFor(async () => (await engine.audit.list({ limit: 50, operation: "DownloadHunt" })).find((e) => e.details.hunt_id === h.huntId), "audit entry");
      expect(audit).toMatchObject({ principal: "rita", details: { rows: 9, clients: 3, uploads: 3, complete: true } });
    }, 120_000);
  });
}
