// The file browser's cache service on PGlite and PostgreSQL: System.Flow.Completion events of
// listing and download flows (rows given by a stand-in flows service) fill the cache; a
// directory of 5,000 entries pages back complete, in name order, with no entry twice; a new
// listing replaces what an older one left; a recursive listing records each directory it
// listed; flows that did not finish are ignored; and two services (two processes on
// PostgreSQL, each with its own connection pool and journal) ingest each completion once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, queries, type Database } from "@/drizzle";
import { testDatabaseTargets } from "@/drizzle/testing";
import { createIdSource, startClusterNode, type StartedNode } from "../../cluster";
import { permissionsOf } from "../../auth/roles";
import { FLOW_COMPLETION_QUEUE, VFS_DOWNLOAD_ARTIFACT, VFS_LIST_ARTIFACT, type FlowState, type FlowSummary, type Logger, type Principal, type VfsService } from "@/engine/server/contracts";
import { startJournal, type StartedJournal } from "../journal/start";
import { startVfs } from "./start";

const quiet: Logger = { info() {}, warn() {}, error() {} };
const reader: Principal = { userId: "r", username: "rita", role: "reader", permissions: permissionsOf("reader"), via: "session" };
const CLIENT = "C.0123456789abcdef";

async function waitFor<T>(fn: () => Promise<T | undefined | false>, what: string, ms = 20_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Rows in the agent's shape (fileRow: ISO times). */
function fileRow(dir: string, name: string, o: { isDir?: boolean; size?: number; mtime?: string } = {}) {
  const osPath = dir === "/" ? `/${name}` : `${dir}/${name}`;
  return { Name: name, OSPath: osPath, Size: o.size ?? 0, Mode: o.isDir ? "drwxr-xr-x" : "-rw-r--r--", IsDir: !!o.isDir, IsLink: false, Mtime: o.mtime ?? "2026-01-02T03:04:05.000Z", Atime: "2026-01-03T00:00:00.000Z", Ctime: "2026-01-04T00:00:00.000Z", Btime: "2026-01-01T00:00:00.000Z" };
}

/** The flows service as the vfs service reads it: rows per flow, and the flow records for progress(). */
function standInFlows() {
  const rows = new Map<string, Array<Record<string, unknown>>>();
  const summaries = new Map<string, FlowSummary>();
  /** How many times each flow's first page was read (an ingestion). */
  const ingestions = new Map<string, number>();
  return {
    rows,
    summaries,
    ingestions,
    flows: {
      async results(_actor: Principal, p: { flowId: string; offset?: number; limit?: number }) {
        if (!p.offset) ingestions.set(p.flowId, (ingestions.get(p.flowId) ?? 0) + 1);
        const all = rows.get(p.flowId) ?? [];
        const offset = p.offset ?? 0;
        return { columns: Object.keys(all[0] ?? {}), rows: all.slice(offset, offset + (p.limit ?? 100)), total: all.length };
      },
      async get(_actor: Principal, _clientId: string, flowId: string) {
        const f = summaries.get(flowId);
        if (!f) throw new Error(`no flow ${flowId}`);
        return f;
      },
      async collect(): Promise<FlowSummary> {
        throw new Error("not used here");
      },
    },
  };
}

function completion(flowId: string, artifact: string, params: Record<string, string>, state: FlowState = "FINISHED", finishedAt = new Date()) {
  return {
    clientId: CLIENT,
    row: {
      Timestamp: Math.floor(finishedAt.getTime() / 1000),
      ClientId: CLIENT,
      FlowId: flowId,
      Flow: {
        session_id: flowId,
        state,
        finish_time: finishedAt.getTime() * 1000,
        request: { artifacts: [artifact], specs: [{ artifact, parameters: { env: Object.entries(params).map(([key, value]) => ({ key, value })) } }] },
      },
    },
  };
}

function summary(flowId: string, artifact: string, params: Record<string, string>, rows: number): FlowSummary {
  const at = new Date();
  return {
    flowId, clientId: CLIENT, creator: "rita", state: "FINISHED", status: "", artifacts: [artifact], parameters: { [artifact]: params }, timeoutMs: 600_000, maxRows: 1_000_000,
    createdAt: new Date(at.getTime() - 1000), startedAt: at, activeAt: at, finishedAt: new Date(at.getTime() - 500), totalRows: rows, totalLogs: 0, totalUploadedFiles: 0, totalUploadedBytes: 0, artifactsWithResults: [artifact], sources: [],
  };
}

interface Process {
  database: Database;
  node: StartedNode;
  journal: StartedJournal;
  vfs: VfsService;
  standIn: ReturnType<typeof standInFlows>;
  controller: AbortController;
}

async function startProcess(database: Database): Promise<Process> {
  const controller = new AbortController();
  const clock = { now: () => new Date() };
  const node = await startClusterNode({ database, clock, log: quiet }, { tickMs: 200 });
  const ids = createIdSource(() => node.slot(), () => Date.now());
  const journal = await startJournal({ database, clock, log: quiet, config: {} as never, ids, leases: node.leases }, controller.signal);
  const standIn = standInFlows();
  const vfs = startVfs({ database, clock, log: quiet, config: {} as never, ids, flows: standIn.flows, journal }, controller.signal);
  return { database, node, journal, vfs, standIn, controller };
}

async function stopProcess(p: Process | undefined) {
  if (!p) return;
  p.controller.abort();
  await p.journal.stop();
  await p.node.stop();
}

/** A second handle on the same PostgreSQL database (another process's pool). */
async function secondHandle(database: Database): Promise<Database | undefined> {
  if (database.kind !== "postgres") return undefined;
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = new URL(database.location).pathname;
  return openDatabase({ url: url.toString() });
}

for (const target of testDatabaseTargets()) {
  describe(`the file browser cache on ${target.name}`, () => {
    let database: Database;
    let other: Database | undefined;
    let a: Process;
    let b: Process;
    /** Rows and flow records go to both processes' stand-ins: whichever ingests finds them. */
    const addFlow = (flowId: string, artifact: string, params: Record<string, string>, rows: Array<Record<string, unknown>>) => {
      for (const p of [a, b]) {
        p.standIn.rows.set(flowId, rows);
        p.standIn.summaries.set(flowId, summary(flowId, artifact, params, rows.length));
      }
    };
    const ingestions = (flowId: string) => (a.standIn.ingestions.get(flowId) ?? 0) + (b.standIn.ingestions.get(flowId) ?? 0);

    beforeAll(async () => {
      database = await target.open();
      await queries.createClient(database.db, { clientId: CLIENT, publicKey: "k", agentName: "test", agentVersion: "1", ip: "127.0.0.1", at: new Date() });
      other = await secondHandle(database);
      a = await startProcess(database);
      b = await startProcess(other ?? database);
      // Both consumers exist (their cursors start "now") before anything completes.
      await waitFor(() => queries.getConsumer(database.db, "vfs"), "the consumer's cursor");
    }, 60_000);
    afterAll(async () => {
      await stopProcess(a);
      await stopProcess(b);
      await other?.close();
      await database?.close();
    });

    it("a directory of 5,000 entries pages back complete and in name order, each completion ingested once across two services", async () => {
      const names = Array.from({ length: 5000 }, (_, i) => `file-${String(4999 - i).padStart(5, "0")}.log`);
      addFlow("F.BIG1", VFS_LIST_ARTIFACT, { Path: "/var/log/big", Depth: "0" }, names.map((n, i) => fileRow("/var/log/big", n, { size: i })));
      await a.journal.appendFor(FLOW_COMPLETION_QUEUE, [completion("F.BIG1", VFS_LIST_ARTIFACT, { Path: "/var/log/big/", Depth: "0" })]);

      const first = await waitFor(async () => {
        const l = await a.vfs.list(reader, { clientId: CLIENT, path: "/var/log/big", limit: 1000 });
        return l.listedAt ? l : undefined;
      }, "the listing");
      expect(first.total).toBe(5000);
      expect(first.flowId).toBe("F.BIG1");
      const seen: string[] = [];
      for (let offset = 0; offset < first.total; offset += 1000) {
        const page = await b.vfs.list(reader, { clientId: CLIENT, path: "/var/log/big/", offset, limit: 1000 });
        expect(page.entries.length).toBe(1000);
        seen.push(...page.entries.map((e) => e.name));
      }
      expect(seen).toEqual([...names].sort());
      expect(new Set(seen).size).toBe(5000);
      // Past the end: an empty page, the same total.
      const past = await a.vfs.list(reader, { clientId: CLIENT, path: "/var/log/big", offset: 5000, limit: 1000 });
      expect(past).toMatchObject({ total: 5000, entries: [] });

      // One entry with every column (file-00007.log is the 4,993rd row given: size 4992).
      const { entry } = await a.vfs.stat(reader, { clientId: CLIENT, path: "/var/log/big/file-00007.log" });
      expect(entry).toEqual({
        name: "file-00007.log", path: "/var/log/big/file-00007.log", isDir: false, isLink: false, size: 4992, mode: "-rw-r--r--",
        mtime: "2026-01-02T03:04:05.000Z", atime: "2026-01-03T00:00:00.000Z", ctime: "2026-01-04T00:00:00.000Z", btime: "2026-01-01T00:00:00.000Z", flowId: "F.BIG1",
      });
      // Ingested by exactly one of the two services.
      await new Promise((r) => setTimeout(r, 500));
      expect(ingestions("F.BIG1")).toBe(1);
    }, 60_000);

    it("many completions at once, from both processes' journals, are each ingested once", async () => {
      const flows = Array.from({ length: 30 }, (_, i) => `F.MANY${i}`);
      for (const [i, f] of flows.entries()) addFlow(f, VFS_LIST_ARTIFACT, { Path: `/d${i}`, Depth: "0" }, [fileRow(`/d${i}`, "x"), fileRow(`/d${i}`, "y")]);
      await Promise.all(flows.map((f, i) => (i % 2 ? a : b).journal.appendFor(FLOW_COMPLETION_QUEUE, [completion(f, VFS_LIST_ARTIFACT, { Path: `/d${i}`, Depth: "0" })])));
      await waitFor(async () => (await a.vfs.list(reader, { clientId: CLIENT, path: "/d29" })).listedAt && (await a.vfs.list(reader, { clientId: CLIENT, path: "/d0" })).listedAt, "all listings");
      await waitFor(async () => (await Promise.all(flows.map((_, i) => a.vfs.list(reader, { clientId: CLIENT, path: `/d${i}` })))).every((l) => l.total === 2), "every listing");
      await new Promise((r) => setTimeout(r, 500));
      expect(flows.map(ingestions)).toEqual(flows.map(() => 1));
    }, 60_000);

    it("a new listing of a directory replaces the older one; unfinished flows change nothing", async () => {
      addFlow("F.ETC1", VFS_LIST_ARTIFACT, { Path: "/etc", Depth: "0" }, [fileRow("/etc", "hostname", { size: 9 }), fileRow("/etc", "passwd"), fileRow("/etc", "ssh", { isDir: true })]);
      await a.journal.appendFor(FLOW_COMPLETION_QUEUE, [completion("F.ETC1", VFS_LIST_ARTIFACT, { Path: "/etc", Depth: "0" })]);
      await waitFor(async () => (await a.vfs.list(reader, { clientId: CLIENT, path: "/etc" })).flowId === "F.ETC1", "the first listing");
      expect(await a.vfs.subdirectories(reader, { clientId: CLIENT, path: "/etc" })).toEqual([{ name: "ssh", path: "/etc/ssh", listed: false }]);

      // An errored listing (with rows) does nothing.
      addFlow("F.ETCX", VFS_LIST_ARTIFACT, { Path: "/etc", Depth: "0" }, [fileRow("/etc", "should-not-appear")]);
      await a.journal.appendFor(FLOW_COMPLETION_QUEUE, [completion("F.ETCX", VFS_LIST_ARTIFACT, { Path: "/etc", Depth: "0" }, "ERROR")]);
      addFlow("F.ETC2", VFS_LIST_ARTIFACT, { Path: "/etc", Depth: "0" }, [fileRow("/etc", "hostname", { size: 12 }), fileRow("/etc", "hosts")]);
      await b.journal.appendFor(FLOW_COMPLETION_QUEUE, [completion("F.ETC2", VFS_LIST_ARTIFACT, { Path: "/etc", Depth: "0" })]);
      const l = await waitFor(async () => {
        const x = await a.vfs.list(reader, { clientId: CLIENT, path: "/etc" });
        return x.flowId === "F.ETC2" ? x : undefined;
      }, "the second listing");
      expect(l.entries.map((e) => [e.name, e.size])).toEqual([["hostname", 12], ["hosts", 0]]);
      expect(l.total).toBe(2);
      expect(await a.vfs.subdirectories(reader, { clientId: CLIENT, path: "/etc" })).toEqual([]);
      expect(ingestions("F.ETCX")).toBe(0);
      expect(await a.vfs.progress(reader, { clientId: CLIENT, flowId: "F.ETC2" })).toMatchObject({ state: "FINISHED", directories: 1, ingested: true });
    }, 60_000);

    it("a recursive listing records every directory it listed, and its children", async () => {
      const rows = [
        fileRow("/srv", "a", { isDir: true }), fileRow("/srv", "top.txt"),
        fileRow("/srv/a", "b", { isDir: true }), fileRow("/srv/a", "mid.txt"),
        // Depth 1: /srv/a/b's children were not listed, so /srv/a/b is not a listed directory.
      ];
      addFlow("F.SRV1", VFS_LIST_ARTIFACT, { Path: "/srv", Depth: "1" }, rows);
      await a.journal.appendFor(FLOW_COMPLETION_QUEUE, [completion("F.SRV1", VFS_LIST_ARTIFACT, { Path: "/srv", Depth: "1" })]);
      await waitFor(async () => (await a.vfs.list(reader, { clientId: CLIENT, path: "/srv/a" })).listedAt, "the subdirectory");
      expect((await a.vfs.list(reader, { clientId: CLIENT, path: "/srv" })).entries.map((e) => e.name)).toEqual(["a", "top.txt"]);
      expect((await a.vfs.list(reader, { clientId: CLIENT, path: "/srv/a" })).entries.map((e) => e.name)).toEqual(["b", "mid.txt"]);
      expect((await a.vfs.list(reader, { clientId: CLIENT, path: "/srv/a/b" })).listedAt).toBeNull();
      expect(await a.vfs.subdirectories(reader, { clientId: CLIENT, path: "/srv" })).toEqual([{ name: "a", path: "/srv/a", listed: true }]);
      expect(await a.vfs.progress(reader, { clientId: CLIENT, flowId: "F.SRV1" })).toMatchObject({ directories: 2, ingested: true });
    }, 60_000);

    it("a finished download records the file's size and hash", async () => {
      const sha = "a".repeat(64);
      addFlow("F.DL1", VFS_DOWNLOAD_ARTIFACT, { Path: "/etc/hostname" }, [{ OSPath: "/etc/hostname", Size: 12, Upload: { Path: "/etc/hostname", Size: 12, sha256: sha } }]);
      expect(await a.vfs.progress(reader, { clientId: CLIENT, flowId: "F.DL1" })).toMatchObject({ ingested: false });
      await b.journal.appendFor(FLOW_COMPLETION_QUEUE, [completion("F.DL1", VFS_DOWNLOAD_ARTIFACT, { Path: "/etc/hostname" })]);
      const s = await waitFor(async () => {
        const x = await a.vfs.stat(reader, { clientId: CLIENT, path: "/etc/hostname" });
        return x.download ? x : undefined;
      }, "the download");
      expect(s.download).toMatchObject({ flowId: "F.DL1", size: 12, sha256: sha });
      expect(s.entry).toMatchObject({ name: "hostname", size: 12 });
      expect(await a.vfs.progress(reader, { clientId: CLIENT, flowId: "F.DL1" })).toMatchObject({ ingested: true });
    }, 60_000);

    it("reading needs READ_RESULTS; listing and downloading need COLLECT_CLIENT", async () => {
      const nobody: Principal = { ...reader, permissions: new Set() };
      await expect(a.vfs.list(nobody, { clientId: CLIENT, path: "/" })).rejects.toMatchObject({ code: "forbidden" });
      await expect(a.vfs.stat(nobody, { clientId: CLIENT, path: "/etc" })).rejects.toMatchObject({ code: "forbidden" });
      await expect(a.vfs.refresh(reader, { clientId: CLIENT, path: "/" })).rejects.toMatchObject({ code: "forbidden" });
      await expect(a.vfs.download(reader, { clientId: CLIENT, path: "/etc/hostname" })).rejects.toMatchObject({ code: "forbidden" });
      await expect(a.vfs.list(reader, { clientId: "not-a-client", path: "/" })).rejects.toMatchObject({ code: "bad_request" });
    });
  });
}
