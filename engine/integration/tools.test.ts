// The tool inventory end to end, on PGlite and PostgreSQL: an admin adds a tool from a file on
// the server with inventory_add(); an artifact declaring it in `tools:` and calling the built-in
// Generic.Utils.FetchBinary is collected from a real agent (the repository's artifacts, the
// agent's own VQL runner); the agent fetches the bytes from /api/tools/download/<token> on its
// server (loopback, allowed for tool downloads without TALON_HTTP_CLIENT_ALLOW), checks their
// sha256 and caches them; a tool whose hash is wrong is refused with an ERROR naming both
// hashes. No request leaves the machine.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { testDatabaseTargets } from "@/drizzle/testing";
import { toJsonValue } from "@/engine/vql";
import type { Engine, Principal } from "@/engine/server/contracts";
import { MemoryOutbox } from "../client/connection/outbox";
import { createVqlRunner } from "../client/executor/vql-runner";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { principal } from "../server/services/notebooks/testing";
import { startTestAgent, startTestServer, waitFor, type TestServer } from "./harness";

vi.mock("server-only", () => ({}));
const downloadRoute = await import("@/app/api/tools/download/[token]/route");

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

const usingTool = (artifact: string, tool: string) =>
  [
    `name: ${artifact}`,
    "type: CLIENT",
    "tools:",
    `  - name: ${tool}`,
    "    serve_locally: true",
    "sources:",
    "  - query: |",
    `      SELECT FullPath, Name, DownloadStatus, Hash.SHA256 AS SHA256, read_file(filename=FullPath, length=1000000) AS Content`,
    `      FROM Artifact.Generic.Utils.FetchBinary(ToolName="${tool}", SleepDuration=0, IsExecutable=FALSE)`,
  ].join("\n");

for (const target of testDatabaseTargets()) {
  describe(`tool inventory and Generic.Utils.FetchBinary (${target.name})`, () => {
    let s: TestServer;
    let engine: Engine;
    let agent: ReturnType<typeof startTestAgent>;
    const dir = mkdtempSync(join(tmpdir(), "talon-tools-"));
    const admin = principal("alice", "administrator");
    const investigator = principal("ivan", "investigator");
    const file = join(dir, "talon-test-tool.bin");
    // Printable bytes, so read_file() gives them back as text to compare.
    const content = Buffer.from(Array.from({ length: 70_000 }, (_, i) => 32 + ((i * 7) % 90)));
    const allowBefore = process.env.TALON_HTTP_CLIENT_ALLOW;

    beforeAll(async () => {
      delete process.env.TALON_HTTP_CLIENT_ALLOW;
      writeFileSync(file, content);
      s = await startTestServer({
        database: await target.open(),
        agentHeartbeatMs: 60_000,
        // The tool route as Next would serve it, on the same port as the agents' socket.
        async onRequest(req, res) {
          const m = /^\/api\/tools\/download\/([^/?]+)$/.exec(req.url ?? "");
          if (!m) return void res.writeHead(404).end();
          const r = await downloadRoute.GET(new Request(`http://localhost${req.url}`), { params: Promise.resolve({ token: m[1]! }) });
          res.writeHead(r.status, Object.fromEntries(r.headers));
          res.end(Buffer.from(await r.arrayBuffer()));
        },
      });
      engine = s.engine;
      (globalThis as { __talonEngine?: Engine }).__talonEngine = engine;
      const token = await engine.clients.ensureDeploymentToken();
      agent = startTestAgent({ url: s.url, token, outbox: new MemoryOutbox(), runner: createVqlRunner(createLinuxSystem()) });
      await waitFor(() => engine.agents.isLocal(agent.clientId), "connect");
    }, 60_000);
    afterAll(async () => {
      if (allowBefore === undefined) delete process.env.TALON_HTTP_CLIENT_ALLOW;
      else process.env.TALON_HTTP_CLIENT_ALLOW = allowBefore;
      delete (globalThis as { __talonEngine?: Engine }).__talonEngine;
      await agent?.stop();
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

    async function collected(artifact: string) {
      const f = await engine.flows.collect(admin, { clientId: agent.clientId, artifacts: [artifact] });
      const done = await waitFor(async () => {
        const x = await engine.flows.get(admin, agent.clientId, f.flowId);
        return x.state !== "WAITING" && x.state !== "RUNNING" ? x : undefined;
      }, `flow ${f.flowId}`, 60_000);
      const rows = (await engine.flows.results(admin, { clientId: agent.clientId, flowId: f.flowId, artifact })).rows;
      const logs = (await engine.flows.logs(admin, { clientId: agent.clientId, flowId: f.flowId })).items.map((l) => `${l.level} ${l.message}`);
      return { flow: done, rows, logs };
    }

    it("inventory_add(file=...) stores the server file's bytes with their sha256; inventory() and inventory_get() show it; the route serves the bytes", async () => {
      const added = await vql(`SELECT inventory_add(tool='TalonTestTool', file='${file}', version='1.0') AS T FROM scope()`);
      expect(added.logs).toEqual([]);
      const t = added.rows[0]!.T as Record<string, unknown>;
      expect(t).toMatchObject({ name: "TalonTestTool", version: "1.0", serve_locally: true, admin_override: true, filename: "talon-test-tool.bin", hash: sha256(content) });
      expect(t.serve_url).toBe(`/api/tools/download/${t.filestore_path}`);

      expect((await vql("SELECT name, hash, serve_locally FROM inventory() WHERE name = 'TalonTestTool'", investigator)).rows).toEqual([{ name: "TalonTestTool", hash: sha256(content), serve_locally: true }]);
      const got = await vql("SELECT inventory_get(tool='TalonTestTool') AS G FROM scope()");
      expect(got.rows[0]!.G).toMatchObject({
        Tool_TalonTestTool_HASH: sha256(content),
        Tool_TalonTestTool_FILENAME: "talon-test-tool.bin",
        Tool_TalonTestTool_URL: t.serve_url,
        Tool_TalonTestTool_URLs: JSON.stringify([t.serve_url]),
        Definition: expect.objectContaining({ name: "TalonTestTool", version: "1.0" }),
      });
      expect((await vql("SELECT inventory_get(tool='TalonTestTool') AS G FROM scope()", investigator)).logs[0]).toMatch(/inventory_get\(\)` needs SERVER_ADMIN/);

      const res = await fetch(`${s.url}${t.serve_url}`);
      expect(res.status).toBe(200);
      expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(content));
      expect((await fetch(`${s.url}/api/tools/download/${"0".repeat(64)}`)).status).toBe(404);
    }, 60_000);

    it("collecting an artifact that declares the tool: the agent downloads it from its server, checks the sha256 and caches it", async () => {
      await engine.artifacts.set(admin, usingTool("Custom.Test.UseTool", "TalonTestTool"));
      const first = await collected("Custom.Test.UseTool");
      expect(first.logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
      expect(first.flow.state).toBe("FINISHED");
      expect(first.rows).toHaveLength(1);
      const row = first.rows[0]!;
      expect(row).toMatchObject({ Name: "talon-test-tool.bin", DownloadStatus: "Downloaded", SHA256: sha256(content), Content: content.toString("latin1") });
      expect(sha256(readFileSync(String(row.FullPath)))).toBe(sha256(content));
      // The next collection finds the cached copy.
      const again = await collected("Custom.Test.UseTool");
      expect(again.rows).toEqual([expect.objectContaining({ DownloadStatus: "Cached", FullPath: row.FullPath, SHA256: sha256(content) })]);
      rmSync(String(row.FullPath), { force: true });
    }, 90_000);

    it("a tool whose bytes do not have its hash is refused with an ERROR naming both hashes", async () => {
      const good = (await vql("SELECT inventory_get(tool='TalonTestTool') AS G FROM scope()")).rows[0]!.G as Record<string, string>;
      const wrong = "ab".repeat(32);
      // Handed to agents as its url (not served locally): the good tool's bytes, with a wrong hash.
      const added = await vql(`SELECT inventory_add(tool='TalonBadTool', url='${s.url}${good.Tool_TalonTestTool_URL}', hash='${wrong}', filename='talon-bad-tool.bin') AS T FROM scope()`);
      expect(added.logs).toEqual([]);
      await engine.artifacts.set(admin, usingTool("Custom.Test.UseBadTool", "TalonBadTool"));
      const r = await collected("Custom.Test.UseBadTool");
      expect(r.flow.state).toBe("ERROR");
      expect(r.rows).toEqual([]);
      expect(r.logs).toContainEqual(`ERROR tool TalonBadTool: the downloaded file's sha256 is ${sha256(content)}, not the expected ${wrong}: refused`);
    }, 90_000);

    it("setting an artifact that declares tools adds them to the inventory (Velociraptor's repository does so on load)", async () => {
      const yaml = ["name: Custom.Test.Declares", "tools:", "  - name: TalonDeclaredTool", "    url: https://tools.example/declared-2.0.zip", "    expected_hash: " + "EF".repeat(32), "    version: '2.0'", "sources:", "  - query: SELECT 1 AS X FROM scope()"].join("\n");
      await engine.artifacts.set(admin, yaml);
      const rows = await waitFor(async () => {
        const r = (await vql("SELECT name, version, url, artifact, admin_override, hash, filename FROM inventory() WHERE name = 'TalonDeclaredTool'")).rows;
        return r.length ? r : undefined;
      }, "the declared tool in the inventory");
      expect(rows).toEqual([{ name: "TalonDeclaredTool", version: "2.0", url: "https://tools.example/declared-2.0.zip", artifact: "Custom.Test.Declares", admin_override: false, hash: "ef".repeat(32), filename: "declared-2.0.zip" }]);
    }, 60_000);

    it("an artifact's own tool definition is learnt when it is collected; a tool the server cannot deliver refuses the collection", async () => {
      await engine.artifacts.set(admin, usingTool("Custom.Test.UseUnknown", "TalonUnknownTool"));
      await expect(engine.flows.collect(admin, { clientId: agent.clientId, artifacts: ["Custom.Test.UseUnknown"] })).rejects.toThrow(
        /tool TalonUnknownTool is served locally but the server has no file for it .*inventory_add\(tool="TalonUnknownTool", file=\.\.\.\)/,
      );
      expect((await vql("SELECT name, artifact, serve_locally, admin_override FROM inventory() WHERE name = 'TalonUnknownTool'")).rows).toEqual([
        { name: "TalonUnknownTool", artifact: "Custom.Test.UseUnknown", serve_locally: true, admin_override: false },
      ]);
    }, 60_000);
  });
}
