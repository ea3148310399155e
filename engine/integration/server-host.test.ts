// The server's own host is the server (issue 13, item 2): what was seen was an investigator
// collecting Linux.Search.FileFinder with uploads from the local agent and downloading the
// server's secrets, the database's files and the agent's private key, then saying hello with
// that key. Here, with a real agent (the VQL runner and this machine's Linux builtins, guarded
// as the local agent is) and the real artifact repository, on each database target: the guard
// keeps the data dir, the state dir and protected paths out of rows and uploads (with a logged
// reason); the server's host needs COLLECT_SERVER; FileFinder's implied FILESYSTEM_READ is
// checked; a revoked key is refused and its open connection closed, also from another process;
// a re-keyed client re-enrols the same client id with a new key.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseTargets } from "../../drizzle/testing";
import type { Database } from "../../drizzle/client";
import { MemoryOutbox } from "../client/connection/outbox";
import { createVqlRunner } from "../client/executor/vql-runner";
import { loadOrCreateIdentity, newIdentity, newIdentityFor } from "../client/identity";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { createPathGuard, protectedPaths } from "@/engine/endpoint/builtins/protected-paths";
import { permissionsOf, type Permission } from "../server/auth/roles";
import type { Principal } from "@/engine/server/contracts";
import { startTestAgent, startTestServer, waitFor, type TestServer } from "./harness";

const principal = (username: string, role: string, extra: Permission[] = []): Principal => ({
  userId: username,
  username,
  role,
  permissions: new Set([...permissionsOf(role), ...extra]),
  via: "session",
});
const admin = principal("alice", "administrator");
const investigator = principal("ivan", "investigator");
const investigatorWithFiles = principal("ivy", "investigator", ["FILESYSTEM_READ"]);
const investigatorWithServer = principal("iris", "investigator", ["COLLECT_SERVER"]);

for (const target of testDatabaseTargets()) describe(`the server's own host on ${target.name}`, () => {
  const root = mkdtempSync(join(tmpdir(), "talon-server-host-"));
  const dataDir = join(root, "data");
  const stateDir = join(dataDir, "local-client");
  const protectedDir = join(root, "protected");
  const openDir = join(root, "open");
  let database: Database;
  let s: TestServer;
  let s2: TestServer;
  let token: string;
  let local: ReturnType<typeof startTestAgent>;
  const agentLogs: string[] = [];
  const stopLater: Array<{ stop(): Promise<void> }> = [];

  beforeAll(async () => {
    for (const d of [dataDir, protectedDir, openDir]) mkdirSync(d, { recursive: true });
    writeFileSync(join(dataDir, "wal-000001"), "deployment token and argon2id hashes");
    writeFileSync(join(protectedDir, "secret.txt"), "configured protected path");
    writeFileSync(join(openDir, "evidence.txt"), "readable evidence");
    // The local agent's identity, where `talon serve` keeps it; a symlink to it from an open dir.
    const identity = loadOrCreateIdentity(stateDir);
    symlinkSync(join(stateDir, "identity.json"), join(openDir, "innocent-link.txt"));
    database = await target.open();
    const shared: Database = { ...database, close: async () => {} };
    // The real repository (Linux.Search.FileFinder with its implied_permissions).
    s = await startTestServer({ database: shared, dataDir, agentHeartbeatMs: 60_000, interrogationsPerSecond: 0 });
    s2 = await startTestServer({ database: shared, dataDir: join(root, "data2"), agentHeartbeatMs: 60_000, interrogationsPerSecond: 0 });
    token = await s.engine.clients.ensureDeploymentToken();
    const protect = createPathGuard(protectedPaths({ stateDir, serverDataDir: dataDir, serverPid: process.pid, extra: [protectedDir] }));
    local = startTestAgent({ url: s.url, token, identity, outbox: new MemoryOutbox(), runner: createVqlRunner(createLinuxSystem(), undefined, { protect }), logs: agentLogs });
    stopLater.push(local);
    await s.engine.clients.recordServerHost(local.clientId);
    await waitFor(() => s.engine.agents.isLocal(local.clientId), "the local agent to connect");
  }, 60_000);
  afterAll(async () => {
    for (const a of stopLater) await a.stop().catch(() => {});
    await s2?.close();
    await s?.close();
    await database?.close();
    rmSync(root, { recursive: true, force: true });
  });

  async function finished(clientId: string, flowId: string) {
    return waitFor(async () => {
      const f = await s.engine.flows.get(admin, clientId, flowId);
      return ["FINISHED", "ERROR", "TIMEOUT", "CANCELLED"].includes(f.state) ? f : undefined;
    }, `flow ${flowId}`, 30_000);
  }

  const fileFinder = (globs: string[]) => ({
    artifacts: ["Linux.Search.FileFinder"],
    parameters: { SearchFilesGlobTable: ["Glob", ...globs].join("\n") + "\n", Upload: "Y", Hashes: "Y" },
  });

  it("an investigator cannot collect from the server's host: COLLECT_SERVER is needed on top of the artifact's permissions", async () => {
    await expect(s.engine.flows.collect(investigator, { clientId: local.clientId, ...fileFinder(["/etc/hostname"]) })).rejects.toMatchObject({
      code: "forbidden",
      message: expect.stringContaining("COLLECT_SERVER"),
    });
    await expect(s.engine.flows.collect(investigatorWithFiles, { clientId: local.clientId, ...fileFinder(["/etc/hostname"]) })).rejects.toThrow(/server's own host.*COLLECT_SERVER/);
    await expect(s.engine.flows.collectMany(investigatorWithFiles, { clientIds: [local.clientId], ...fileFinder(["/etc/hostname"]) })).rejects.toThrow(/COLLECT_SERVER/);
    // With COLLECT_SERVER, an artifact that needs nothing more is collected.
    const f = await s.engine.flows.collect(investigatorWithServer, { clientId: local.clientId, artifacts: ["Linux.Sys.Users"] });
    expect((await finished(local.clientId, f.flowId)).state).toBe("FINISHED");
  });

  it("Linux.Search.FileFinder declares implied_permissions FILESYSTEM_READ: refused without it, even with COLLECT_SERVER", async () => {
    await expect(s.engine.flows.collect(investigatorWithServer, { clientId: local.clientId, ...fileFinder(["/etc/hostname"]) })).rejects.toMatchObject({
      code: "forbidden",
      message: expect.stringMatching(/Linux\.Search\.FileFinder needs the FILESYSTEM_READ permission.*implied_permissions/),
    });
    const collectable = await s.engine.flows.collectable(admin);
    expect(collectable.find((a) => a.name === "Linux.Search.FileFinder")?.impliedPermissions).toEqual(["FILESYSTEM_READ"]);
  });

  it("FileFinder with uploads on the server's host finds no file of the data dir, the agent's state dir or a protected path, and logs why", async () => {
    const f = await s.engine.flows.collect(admin, {
      clientId: local.clientId,
      ...fileFinder([`${dataDir}/**/*`, `${protectedDir}/*`, `${openDir}/*`, "/proc/self/environ", `/proc/${process.pid}/environ`, "/proc/*/environ"]),
    });
    const done = await finished(local.clientId, f.flowId);
    expect(done.state).toBe("FINISHED");
    const rows = (await s.engine.flows.results(admin, { clientId: local.clientId, flowId: f.flowId, artifact: "Linux.Search.FileFinder", limit: 1000 })).rows;
    const paths = rows.map((r) => String(r.OSPath));
    // Only the evidence: not the WAL, the identity (not even through the symlink), the protected file or any environ.
    expect(paths).toEqual([join(openDir, "evidence.txt")]);
    const uploads = await s.engine.flows.uploads(admin, { clientId: local.clientId, flowId: f.flowId });
    expect(uploads.map((u) => u.name)).toEqual([join(openDir, "evidence.txt")]);
    const logs = (await s.engine.flows.logs(admin, { clientId: local.clientId, flowId: f.flowId, limit: 1000 })).items.map((l) => l.message);
    const refused = (reason: string) => logs.filter((m) => m.includes("refused to read") && m.includes(reason));
    expect(refused("the server's data directory").length).toBeGreaterThan(0);
    expect(refused("the agent's state directory").some((m) => m.includes("innocent-link.txt") || m.includes("identity.json"))).toBe(true);
    expect(refused("TALON_AGENT_PROTECTED_PATHS").some((m) => m.includes("secret.txt"))).toBe(true);
    expect(refused("own process").length + refused("process environments").length + refused("the server's process").length).toBeGreaterThan(0);
  });

  it("read_file(), stat() and upload() of protected paths give nothing, whatever the query asks", async () => {
    const yaml = `name: Custom.Test.Steal
type: CLIENT
sources:
  - query: |
      SELECT read_file(filename='${stateDir}/identity.json') AS Key,
             read_file(filename='${openDir}/innocent-link.txt') AS Linked,
             read_file(filename='/proc/self/environ') AS Env,
             upload(file='${dataDir}/wal-000001') AS Wal,
             { SELECT OSPath FROM stat(filename='${protectedDir}/secret.txt') } AS Stat,
             read_file(filename='${openDir}/evidence.txt') AS Evidence
      FROM scope()
`;
    await s.engine.artifacts.set(admin, yaml);
    const f = await s.engine.flows.collect(admin, { clientId: local.clientId, artifacts: ["Custom.Test.Steal"] });
    await finished(local.clientId, f.flowId);
    const [row] = (await s.engine.flows.results(admin, { clientId: local.clientId, flowId: f.flowId, artifact: "Custom.Test.Steal" })).rows;
    expect(row).toMatchObject({ Key: null, Linked: null, Env: null, Wal: null, Evidence: "readable evidence" });
    expect(row!.Stat ?? []).toEqual([]);
    expect(await s.engine.flows.uploads(admin, { clientId: local.clientId, flowId: f.flowId })).toEqual([]);
    const logs = (await s.engine.flows.logs(admin, { clientId: local.clientId, flowId: f.flowId, limit: 1000 })).items.map((l) => l.message);
    expect(logs.some((m) => /read_file: refused to read .*identity\.json: it is the agent's state directory/.test(m))).toBe(true);
    expect(logs.some((m) => /upload: refused to read .*wal-000001: it is the server's data directory/.test(m))).toBe(true);
  });

  it("another client is not the server's host: FILESYSTEM_READ and COLLECT_CLIENT are enough there", async () => {
    const other = startTestAgent({ url: s.url, token, runner: createVqlRunner(createLinuxSystem()) });
    stopLater.push(other);
    await waitFor(() => s.engine.agents.isLocal(other.clientId), "the other agent");
    const f = await s.engine.flows.collect(investigatorWithFiles, { clientId: other.clientId, ...fileFinder([`${openDir}/evidence.txt`]) });
    expect((await finished(other.clientId, f.flowId)).state).toBe("FINISHED");
  });

  it("a revoked key's open connection is closed, from another process too, and its hello is refused", async () => {
    const stolen = newIdentity();
    const victim = startTestAgent({ url: s.url, token, identity: stolen });
    stopLater.push(victim);
    await waitFor(() => s.engine.agents.isLocal(victim.clientId), "the agent to connect");
    await expect(s2.engine.clients.revokeKey(investigator, victim.clientId)).rejects.toMatchObject({ code: "forbidden" });
    // Revoked through the second process: the first, which holds the socket, closes it.
    await s2.engine.clients.revokeKey(admin, victim.clientId);
    const outcome = await Promise.race([victim.done, new Promise((r) => setTimeout(() => r("still running"), 10_000))]);
    expect(outcome).toMatchObject({ kind: "refused", refusal: { code: "revoked" } });
    expect(s.engine.agents.isLocal(victim.clientId)).toBe(false);
    expect((await s.engine.clients.get(admin, victim.clientId)).keyState).toBe("revoked");
    // The stolen key says hello again: refused.
    const thief = startTestAgent({ url: s.url, token, identity: stolen });
    stopLater.push(thief);
    expect(await thief.done).toMatchObject({ kind: "refused", refusal: { code: "revoked" } });
    const audit = await s.engine.audit.list({ limit: 50, operation: "RevokeClientKey" });
    expect(audit.some((e) => JSON.stringify(e).includes(victim.clientId))).toBe(true);
  });

  it("re-key: the old key is told to make a new one, the same client id enrols with a new key and the token, and the old key stays out", async () => {
    const identity = loadOrCreateIdentity(join(root, "rekeyed"));
    const first = startTestAgent({ url: s.url, token, identity });
    stopLater.push(first);
    await waitFor(() => s.engine.agents.isLocal(identity.clientId), "the agent to connect");
    await s.engine.clients.rekey(admin, identity.clientId);
    expect(await first.done).toMatchObject({ kind: "refused", refusal: { code: "rekey-required" } });
    // A new key for the same id without the token: refused.
    const fresh = newIdentityFor(identity.clientId);
    const noToken = startTestAgent({ url: s.url, identity: fresh });
    stopLater.push(noToken);
    expect(await noToken.done).toMatchObject({ kind: "refused", refusal: { code: "bad-token" } });
    const again = startTestAgent({ url: s.url, token, identity: fresh });
    stopLater.push(again);
    await waitFor(() => s.engine.agents.isLocal(identity.clientId), "the re-keyed agent to connect");
    expect((await s.engine.clients.get(admin, identity.clientId)).keyState).toBe("active");
    // Collections reach it.
    const f = await s.engine.flows.collect(admin, { clientId: identity.clientId, artifacts: ["Linux.Sys.Users"] });
    expect(f.clientId).toBe(identity.clientId);
    // The old key is no longer this client's.
    const old = startTestAgent({ url: s.url, token, identity });
    stopLater.push(old);
    expect(await old.done).toMatchObject({ kind: "refused", refusal: { code: "bad-identity" } });
    expect((await s.engine.audit.list({ limit: 50, operation: "RekeyClient" })).length).toBeGreaterThan(0);
  });
});
