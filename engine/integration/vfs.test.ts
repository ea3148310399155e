// The file browser against a real agent on this machine with the built-in System.VFS
// artifacts: a directory listed (names, sizes, types, times as stat(2) gives them), a
// recursive listing that records its subdirectories, and a file downloaded whose stored
// bytes and SHA-256 are the file's.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryOutbox } from "../client/connection/outbox";
import { createVqlRunner } from "../client/executor/vql-runner";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { permissionsOf } from "../server/auth/roles";
import type { Principal } from "@/engine/server/contracts";
import { listingVql } from "@/app/api/clients/vfs-notebook-cell";
import { toJsonText } from "../vql";
import { startTestAgent, startTestServer, waitFor, type TestServer } from "./harness";

/** `rwxr-xr-x` from st_mode's permission bits. */
function permissions(mode: number): string {
  return [6, 3, 0].map((shift) => ["r", "w", "x"].map((c, i) => (mode >> shift) & (4 >> i) ? c : "-").join("")).join("");
}

const admin: Principal = { userId: "a", username: "alice", role: "administrator", permissions: permissionsOf("administrator"), via: "session" };

describe("the file browser with a real agent", () => {
  let s: TestServer;
  let agent: ReturnType<typeof startTestAgent>;
  const dir = mkdtempSync(join(tmpdir(), "talon-vfs-"));

  beforeAll(async () => {
    mkdirSync(join(dir, "sub", "deeper"), { recursive: true });
    writeFileSync(join(dir, "hello.txt"), "hello, file browser\n");
    writeFileSync(join(dir, "sub", "inner.bin"), Buffer.alloc(3000, 1));
    writeFileSync(join(dir, "sub", "deeper", "leaf"), "x");
    s = await startTestServer({ dataDir: undefined, memory: true, agentHeartbeatMs: 60_000, interrogationsPerSecond: 0 });
    const token = await s.engine.clients.ensureDeploymentToken();
    agent = startTestAgent({ url: s.url, token, outbox: new MemoryOutbox(), runner: createVqlRunner(createLinuxSystem()) });
    await waitFor(() => s.engine.agents.isLocal(agent.clientId), "connect");
  }, 60_000);
  afterAll(async () => {
    await agent?.stop();
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function ingested(flowId: string) {
    return waitFor(async () => {
      const p = await s.engine.vfs.progress(admin, { clientId: agent.clientId, flowId });
      return p.ingested ? p : undefined;
    }, `flow ${flowId}`, 30_000);
  }

  it("lists a directory with each entry's size, type and times", async () => {
    const f = await s.engine.vfs.refresh(admin, { clientId: agent.clientId, path: dir });
    expect(await ingested(f.flowId)).toMatchObject({ state: "FINISHED", directories: 1, rows: 2 });
    const l = await s.engine.vfs.list(admin, { clientId: agent.clientId, path: dir });
    expect(l.total).toBe(2);
    expect(l.entries.map((e) => [e.name, e.isDir])).toEqual([["hello.txt", false], ["sub", true]]);
    const st = statSync(join(dir, "hello.txt"));
    const hello = l.entries[0]!;
    expect(hello).toMatchObject({ path: join(dir, "hello.txt"), size: st.size });
    // stat(2)'s type and permission bits as ls shows them.
    expect(hello.mode).toBe(`-${permissions(st.mode)}`);
    expect(l.entries[1]!.mode[0]).toBe("d");
    expect(Math.floor(new Date(hello.mtime!).getTime() / 1000)).toBe(Math.floor(st.mtimeMs / 1000));
    expect((await s.engine.vfs.list(admin, { clientId: agent.clientId, path: join(dir, "sub") })).listedAt).toBeNull();
  }, 60_000);

  it("a recursive listing records the subdirectories down to its depth", async () => {
    const f = await s.engine.vfs.refresh(admin, { clientId: agent.clientId, path: dir, depth: 5 });
    expect(await ingested(f.flowId)).toMatchObject({ directories: 3, rows: 5 });
    expect((await s.engine.vfs.list(admin, { clientId: agent.clientId, path: join(dir, "sub") })).entries.map((e) => e.name)).toEqual(["deeper", "inner.bin"]);
    expect((await s.engine.vfs.list(admin, { clientId: agent.clientId, path: join(dir, "sub", "deeper") })).entries.map((e) => [e.name, e.size])).toEqual([["leaf", 1]]);
    // "Open in notebook"'s cell for one directory of the tree reads just that directory's rows.
    const rows: Array<Record<string, unknown>> = [];
    for await (const e of s.engine.queries.run(listingVql(agent.clientId, f.flowId, join(dir, "sub"), false), { principal: admin })) if (e.kind === "row") rows.push(JSON.parse(toJsonText(e.row)));
    expect(rows.map((r) => r.Name).sort()).toEqual(["deeper", "inner.bin"]);
    expect(rows.find((r) => r.Name === "inner.bin")).toMatchObject({ Size: 3000, IsDir: false, OSPath: join(dir, "sub", "inner.bin") });
  }, 60_000);

  it("downloads a file: its stored bytes and SHA-256 are the file's", async () => {
    const path = join(dir, "sub", "inner.bin");
    const f = await s.engine.vfs.download(admin, { clientId: agent.clientId, path });
    await ingested(f.flowId);
    const { download } = await s.engine.vfs.stat(admin, { clientId: agent.clientId, path });
    const sha = createHash("sha256").update(Buffer.alloc(3000, 1)).digest("hex");
    expect(download).toMatchObject({ flowId: f.flowId, size: 3000, sha256: sha });
    const [upload] = await s.engine.flows.uploads(admin, { clientId: agent.clientId, flowId: f.flowId });
    const file = await s.engine.flows.uploadFile(admin, { clientId: agent.clientId, flowId: f.flowId, uploadId: upload!.uploadId });
    const chunks: Uint8Array[] = [];
    for await (const c of file.body) chunks.push(c);
    expect(Buffer.concat(chunks).equals(Buffer.alloc(3000, 1))).toBe(true);
  }, 60_000);
});
