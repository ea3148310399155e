// write_crypto_file() and read_crypto_file() end to end on PostgreSQL (TEST_DATABASE_URL): a
// local agent (queries in a worker thread) gets the server's crypto-file key in its welcome and
// keeps it in its state dir, writes rows LocalLogs-style into an encrypted file, the file comes
// back with Generic.Client.LocalLogsRetrieve's upload(), and read_crypto_file() on the server
// returns the rows; a second Talon process on the same database (its own engine and
// connections) shares the key and decrypts the file too. Two first starts racing on a fresh
// database agree on one key.
import { existsSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, queries } from "@/drizzle";
import { loadArtifact } from "@/engine/artifacts";
import type { ArtifactDefinition, Principal } from "@/engine/server/contracts";
import { toJsonValue } from "@/engine/vql";
import type { Agent } from "../client/agent";
import { createLocalAgent } from "../client/local";
import { permissionsOf } from "../server/auth/roles";
import { newServerKeyPair } from "@/engine/endpoint/crypto-file/format";
import { quietAgentLog, startTestServer, testArtifacts, waitFor, type TestServer } from "./harness";

const admin: Principal = { userId: "a", username: "alice", role: "administrator", permissions: permissionsOf("administrator"), via: "session" };
const corpus = (name: string) => readFileSync(new URL(`../../../shared/corpus/velociraptor-artifacts/Generic/Client/${name}.yaml`, import.meta.url), "utf8");
const retrieve = loadArtifact(corpus("LocalLogsRetrieve")).artifact!;

const FIXTURES: ArtifactDefinition[] = [
  // Generic.Client.LocalLogs's query over a finite query (the real one follows logging() for ever, as a client event).
  {
    name: "Test.LocalLogs",
    type: "CLIENT",
    parameters: [{ name: "LocalFilename" }],
    sources: [
      {
        query: `SELECT * FROM write_crypto_file(max_rows=2, max_wait=60, max_size=100000000, filename=expand(path=LocalFilename),
          query={ SELECT timestamp(epoch=1700000000 + _value) AS Timestamp, _value AS N, format(format='line %v', args=_value) AS Msg FROM range(end=5) })
          WHERE FALSE`,
      },
    ],
  },
  { name: retrieve.name, type: "CLIENT", parameters: [{ name: "LocalFilename" }], sources: [{ query: retrieve.sources[0]!.query!.text }] },
];

const url = process.env.TEST_DATABASE_URL;

describe.skipIf(!url)("crypto files on a real agent and two servers sharing PostgreSQL", () => {
  let dbUrl = "";
  let dbName = "";
  let a: TestServer;
  let b: TestServer;
  let agent: Agent;
  const dir = mkdtempSync(join(tmpdir(), "talon-crypto-file-"));
  const stateDir = join(dir, "state");
  const agentLogs: string[] = [];

  beforeAll(async () => {
    const { default: postgres } = await import("postgres");
    dbName = `talon_t_${randomBytes(6).toString("hex")}`;
    const sql = postgres(url!, { max: 1, onnotice: () => {} });
    await sql.unsafe(`create database ${dbName}`);
    await sql.end();
    const u = new URL(url!);
    u.pathname = `/${dbName}`;
    dbUrl = u.toString();
    a = await startTestServer({ artifactSource: testArtifacts(FIXTURES), databaseUrl: dbUrl, agentHeartbeatMs: 60_000, interrogationsPerSecond: 0 });
    b = await startTestServer({ artifactSource: testArtifacts(FIXTURES), databaseUrl: dbUrl, agentHeartbeatMs: 60_000, interrogationsPerSecond: 0 });
    const token = await a.engine.clients.ensureDeploymentToken();
    agent = createLocalAgent({ server: a.url, token, stateDir, version: "test", log: quietAgentLog(agentLogs), isolation: { workers: 1, eventWorkers: 0, heapMb: 256, graceMs: 500, retireHeapMb: 256 } });
    await (agent as { queryWorkers?: { warmed(): Promise<void> } }).queryWorkers?.warmed();
    void agent.run();
    await waitFor(() => a.engine.agents.isLocal(agent.clientId), "connect");
  }, 90_000);
  afterAll(async () => {
    await agent?.stop();
    await a?.close();
    await b?.close();
    rmSync(dir, { recursive: true, force: true });
    if (dbName) {
      const { default: postgres } = await import("postgres");
      const sql = postgres(url!, { max: 1, onnotice: () => {} });
      await sql.unsafe(`drop database if exists ${dbName} with (force)`).catch(() => {});
      await sql.end();
    }
  }, 60_000);

  async function finished(flowId: string) {
    return waitFor(async () => {
      const f = await a.engine.flows.get(admin, agent.clientId, flowId);
      return ["FINISHED", "ERROR", "TIMEOUT", "CANCELLED"].includes(f.state) ? f : undefined;
    }, `flow ${flowId}`, 30_000);
  }

  async function vql(s: TestServer, text: string, env: Record<string, unknown>) {
    const rows: unknown[] = [];
    const logs: string[] = [];
    for await (const e of s.engine.queries.run(text, { principal: admin, env })) {
      if (e.kind === "row") rows.push(toJsonValue(e.row));
      else if (e.kind === "log" && e.level !== "DEBUG") logs.push(`${e.level} ${e.message}`);
    }
    return { rows, logs };
  }

  it("both processes hold one key, and the agent keeps it in its state dir", async () => {
    expect(a.engine.cryptoFiles.publicKey).toBe(b.engine.cryptoFiles.publicKey);
    // The server counts the agent connected before the agent has handled the welcome that
    // carries the key: wait for the agent to have written it.
    const saved = await waitFor(() => (existsSync(join(stateDir, "server-key.json")) ? readFileSync(join(stateDir, "server-key.json"), "utf8") : undefined), "server-key.json");
    expect(JSON.parse(saved)).toEqual({ serverPublicKey: a.engine.cryptoFiles.publicKey });
  });

  it("LocalLogs writes sealed batches, LocalLogsRetrieve uploads them, read_crypto_file() on either server returns the rows", async () => {
    const file = join(dir, "locallogs.log");
    const w = await a.engine.flows.collect(admin, { clientId: agent.clientId, artifacts: ["Test.LocalLogs"], parameters: { LocalFilename: file } });
    expect((await finished(w.flowId)).state).toBe("FINISHED");
    const onDisk = readFileSync(file);
    // 5 rows in batches of 2: three frames, none of it readable.
    expect(onDisk.toString("latin1").split("TCF1").length - 1).toBe(3);
    expect(onDisk.includes(Buffer.from("line 1"))).toBe(false);

    const r = await a.engine.flows.collect(admin, { clientId: agent.clientId, artifacts: [retrieve.name], parameters: { LocalFilename: file } });
    expect((await finished(r.flowId)).state).toBe("FINISHED");
    const uploads = await a.engine.flows.uploads(admin, { clientId: agent.clientId, flowId: r.flowId });
    expect(uploads).toEqual([expect.objectContaining({ name: file, size: onDisk.length })]);
    const stored = await a.engine.flows.uploadFile(admin, { clientId: agent.clientId, flowId: r.flowId, uploadId: uploads[0]!.uploadId });
    const chunks: Uint8Array[] = [];
    for await (const c of stored.body) chunks.push(c);
    const bytes = Buffer.concat(chunks);
    expect(bytes.equals(onDisk)).toBe(true);

    const expected = [0, 1, 2, 3, 4].map((n) => ({ Timestamp: new Date((1700000000 + n) * 1000).toISOString().replace(".000Z", "Z"), N: n, Msg: `line ${n}` }));
    const query = "SELECT * FROM read_crypto_file(filename=Data, accessor='data')";
    for (const s of [a, b]) {
      const got = await vql(s, query, { Data: bytes.toString("latin1") });
      expect(got).toEqual({ rows: expected, logs: [] });
    }
    // A truncated copy: the complete batches, then one error saying where the file ends.
    const cut = await vql(b, query, { Data: bytes.subarray(0, bytes.length - 5).toString("latin1") });
    expect(cut.rows).toEqual(expected.slice(0, 4));
    expect(cut.logs).toEqual([expect.stringMatching(/^ERROR read_crypto_file: .*the file ends inside a batch at offset \d+/)]);
    // The server's own file system too (accessor file), as a notebook on the server reads a saved copy.
    const saved = join(dir, "retrieved.log");
    writeFileSync(saved, bytes);
    const fromFile = await vql(b, "SELECT * FROM read_crypto_file(filename=Path)", { Path: saved });
    expect(fromFile).toEqual({ rows: expected, logs: [] });
  }, 60_000);

  it("two first starts racing on a fresh database agree on one key", async () => {
    const names = ["race-a", "race-b", "race-c"].map((n) => `${n}-${randomBytes(3).toString("hex")}`);
    const d1 = await openDatabase({ url: dbUrl });
    const d2 = await openDatabase({ url: dbUrl });
    try {
      for (const name of names) {
        const [x, y] = await Promise.all([queries.getOrCreateServerKey(d1.db, name, newServerKeyPair), queries.getOrCreateServerKey(d2.db, name, newServerKeyPair)]);
        expect(x).toEqual(y);
      }
    } finally {
      await d1.close();
      await d2.close();
    }
  });
});
