// collect() on this machine (and in a collection on a real agent, whose artifacts the server
// sends with the request), then import_collection() of its container on a test server (the
// embedded database): the flow holds what the container holds (read here with fflate, an
// independent reader), its upload's bytes, its log; `auto` with a hostname makes an offline
// client once and finds it the next time. Velociraptor's vql/tools/collector/import.go.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runVql, toJsonValue } from "@/engine/vql";
import { artifactCallPlugin, loadArtifact, type Artifact } from "@/engine/artifacts";
import { agentRegistry } from "@/engine/client/plugins";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import type { Principal } from "@/engine/server/contracts";
import { permissionsOf } from "../server/auth/roles";
import { MemoryOutbox } from "../client/connection/outbox";
import { createVqlRunner } from "../client/executor/vql-runner";
import { startTestAgent, startTestServer, waitFor, type TestServer } from "./harness";

const admin: Principal = { userId: "alice", username: "alice", role: "administrator", permissions: permissionsOf("administrator"), via: "session" };
const dir = mkdtempSync(join(tmpdir(), "talon-import-collection-"));
const zipPath = join(dir, "offline.zip");
const file = join(dir, "evidence.txt");
const UPLOADER = `
name: Custom.Uploader
parameters:
  - name: Path
sources:
  - name: Files
    query: SELECT upload(file=Path) AS Upload FROM scope()
`;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const jsonl = (b: Uint8Array) =>
  strFromU8(b)
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));

async function serverRows(s: TestServer, vql: string) {
  const rows: Record<string, unknown>[] = [];
  const logs: string[] = [];
  for await (const e of s.engine.queries.run(vql, { principal: admin, adhoc: true })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

describe("import_collection() of a collect() container", () => {
  let s: TestServer;
  let zip: Record<string, Uint8Array>;
  beforeAll(async () => {
    writeFileSync(file, "offline evidence");
    const users = loadArtifact(readFileSync(new URL("../../artifacts/definitions/Linux/Sys/Users.yaml", import.meta.url), "utf8")).artifact!;
    const byName = new Map<string, Artifact>([[users.name, users]]);
    const vql = `SELECT * FROM collect(artifacts=['Linux.Sys.Users', 'Custom.Uploader'], artifact_definitions='''${UPLOADER}''', args=dict(\`Custom.Uploader\`=dict(Path='${file}')), output='${zipPath}')`;
    const logs: string[] = [];
    for await (const e of runVql(vql, { registry: agentRegistry(), host: { system: createLinuxSystem() }, resolvePlugin: (n) => artifactCallPlugin((x) => byName.get(x), n) })) {
      if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
    }
    expect(logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
    zip = unzipSync(readFileSync(zipPath));
    s = await startTestServer({ agentHeartbeatMs: 60_000, interrogationsPerSecond: 0 });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  it("stores the container as a finished flow of a new offline client, then finds that client by hostname", async () => {
    const { rows, logs } = await serverRows(s, `SELECT import_collection(client_id='auto', hostname='offline-host', filename='${zipPath}') AS Import FROM scope()`);
    expect(logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
    const imported = rows[0]!.Import as Record<string, unknown>;
    const context = JSON.parse(strFromU8(zip["collection_context.json"]!));
    expect(imported.session_id).toBe(context.session_id);
    expect(imported.client_id).toMatch(/^C\.[0-9a-f]{16}$/);
    const clientId = imported.client_id as string;
    const flowId = imported.session_id as string;

    const users = jsonl(zip["results/Linux.Sys.Users.json"]!);
    expect(users.length).toBeGreaterThan(0);
    const uploads = jsonl(zip["results/Custom.Uploader%2FFiles.json"]!);
    expect(imported.total_collected_rows).toBe(users.length + 1);
    expect(imported.artifacts_with_results).toEqual(["Linux.Sys.Users", "Custom.Uploader/Files"]);
    expect(imported.total_uploaded_files).toBe(1);
    expect(imported.total_uploaded_bytes).toBe("offline evidence".length);

    const flow = await s.engine.flows.get(admin, clientId, flowId);
    expect(flow.state).toBe("FINISHED");
    expect(flow.totalRows).toBe(users.length + 1);
    const got = await s.engine.flows.results(admin, { clientId, flowId, artifact: "Linux.Sys.Users", limit: 10_000 });
    expect(got.rows).toEqual(users);
    expect(got.columns).toEqual(["Name", "Uid", "Gid", "Description", "Homedir", "Shell", "Interactive"]);
    expect((await s.engine.flows.results(admin, { clientId, flowId, artifact: "Custom.Uploader/Files" })).rows).toEqual(uploads);

    const [u] = await s.engine.flows.uploads(admin, { clientId, flowId });
    expect(u).toMatchObject({ name: file, size: 16, sha256: createHash("sha256").update("offline evidence").digest("hex") });
    const body = await s.engine.flows.uploadFile(admin, { clientId, flowId, uploadId: u!.uploadId });
    const parts: Uint8Array[] = [];
    for await (const c of body.body) parts.push(c);
    expect(Buffer.concat(parts).toString()).toBe("offline evidence");

    const log = await s.engine.flows.logs(admin, { clientId, flowId, limit: 100 });
    expect(log.items.map((l) => l.message)).toContain("Starting collection of Linux.Sys.Users");
    expect(log.items.map((l) => l.message)).toContain(`Creating new client '${clientId}'`);

    const client = await s.engine.clients.get(admin, clientId);
    expect(client.hostname).toBe("offline-host");

    // Again: the same hostname's client, and a new flow (the session id is taken).
    const again = await serverRows(s, `SELECT import_collection(hostname='offline-host', filename='${zipPath}') AS Import FROM scope()`);
    const second = again.rows[0]!.Import as Record<string, unknown>;
    expect(second.client_id).toBe(clientId);
    expect(second.session_id).not.toBe(flowId);
    expect((await s.engine.flows.results(admin, { clientId, flowId: second.session_id as string, artifact: "Linux.Sys.Users", limit: 10_000 })).rows).toEqual(users);

    // Into a client named by id.
    const named = await serverRows(s, `SELECT import_collection(client_id='${clientId}', filename='${zipPath}') AS Import FROM scope()`);
    expect((named.rows[0]!.Import as Record<string, unknown>).client_id).toBe(clientId);
  }, 60_000);

  it("runs Velociraptor's Server.Utils.ImportCollection", async () => {
    const yaml = readFileSync("/work/shared/corpus/velociraptor-artifacts/Server/Utils/ImportCollection.yaml", "utf8");
    await s.engine.artifacts.set(admin, yaml.replace("name: Server.Utils.ImportCollection", "name: Custom.Server.Utils.ImportCollection"));
    const { rows, logs } = await serverRows(s, `SELECT * FROM Artifact.Custom.Server.Utils.ImportCollection(Hostname='corpus-host', Path='${zipPath}')`);
    expect(logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ TotalRows: jsonl(zip["results/Linux.Sys.Users.json"]!).length + 1, UploadedFiles: 1, UploadedBytes: 16, Artifacts: ["Linux.Sys.Users", "Custom.Uploader/Files"] });
    expect(rows[0]!.ClientId).toMatch(/^C\./);
  }, 60_000);

  it("refuses a file that is not a container, and a client this server does not have", async () => {
    writeFileSync(join(dir, "not.zip"), "plain text");
    const { rows, logs } = await serverRows(s, `SELECT import_collection(hostname='h', filename='${dir}/not.zip') AS Import FROM scope()`);
    expect(rows).toEqual([{ Import: null }]);
    expect(logs.some((l) => l.startsWith("ERROR import_collection: the file is not a readable zip container"))).toBe(true);
    const unknown = await serverRows(s, `SELECT import_collection(client_id='C.00000000000000ff', filename='${zipPath}') AS Import FROM scope()`);
    expect(unknown.rows).toEqual([{ Import: null }]);
    expect(unknown.logs).toContain("ERROR import_collection: no client C.00000000000000ff");
  }, 60_000);
});

describe("an offline collection made by collect() in a collection on a real agent, then imported", () => {
  let s: TestServer;
  let agent: ReturnType<typeof startTestAgent>;
  const out = join(dir, "from-agent.zip");
  beforeAll(async () => {
    // The built-in repository: the server sends Linux.Sys.Users with the request, as the agent's collect() names it.
    s = await startTestServer({ memory: true, agentHeartbeatMs: 60_000, interrogationsPerSecond: 0 });
    const token = await s.engine.clients.ensureDeploymentToken();
    agent = startTestAgent({ url: s.url, token, outbox: new MemoryOutbox(), runner: createVqlRunner(createLinuxSystem()) });
    await waitFor(() => s.engine.agents.isLocal(agent.clientId), "connect");
    await s.engine.artifacts.set(
      admin,
      "name: Custom.Offline\ntype: CLIENT\nparameters:\n  - name: Out\nsources:\n  - query: SELECT * FROM collect(artifacts='Linux.Sys.Users', args=dict(`Linux.Sys.Users`=dict(NameRegex='^root$')), output=Out)\n",
    );
  }, 60_000);
  afterAll(async () => {
    await agent?.stop();
    await s?.close();
  });

  it("the agent writes the container and the server imports it as a flow", async () => {
    const f = await s.engine.flows.collect(admin, { clientId: agent.clientId, artifacts: ["Custom.Offline"], parameters: { "Custom.Offline": { Out: out } } });
    const done = await waitFor(async () => {
      const x = await s.engine.flows.get(admin, agent.clientId, f.flowId);
      return ["FINISHED", "ERROR", "TIMEOUT", "CANCELLED"].includes(x.state) ? x : undefined;
    }, "the collection", 20_000);
    const log = await s.engine.flows.logs(admin, { clientId: agent.clientId, flowId: f.flowId, limit: 100 });
    expect(done.state, log.items.map((l) => `${l.level} ${l.message}`).join("\n")).toBe("FINISHED");
    const rows = await s.engine.flows.results(admin, { clientId: agent.clientId, flowId: f.flowId, artifact: "Custom.Offline" });
    expect(rows.rows).toEqual([{ Container: out, Error: null }]);

    const inZip = jsonl(unzipSync(readFileSync(out))["results/Linux.Sys.Users.json"]!);
    expect(inZip.map((u) => [u.Name, u.Uid])).toEqual([["root", 0]]);
    const { rows: imported } = await serverRows(s, `SELECT import_collection(client_id='${agent.clientId}', filename='${out}') AS Import FROM scope()`);
    const ctx = imported[0]!.Import as Record<string, unknown>;
    expect(ctx.client_id).toBe(agent.clientId);
    const got = await s.engine.flows.results(admin, { clientId: agent.clientId, flowId: ctx.session_id as string, artifact: "Linux.Sys.Users" });
    expect(got.rows).toEqual(inZip);
  }, 60_000);
});
