// Singleton work across processes on one PostgreSQL: two processes want the lease
// `test-singleton`; the holder handles a durable consumer's events. SIGKILL of the holder mid-
// stream: the other takes the lease within 10 s (a killed process's advisory locks go with its
// connections) and resumes after the last committed batch, so every event is handled exactly
// once, some by each. PostgreSQL only: PGlite is one process.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/drizzle";
import { freshPostgres } from "@/e2e/support/talon-process";
import { testServiceDeps, type TestDeps } from "../server/cluster/testing";
import { waitFor } from "./harness";

const ROOT = join(__dirname, "..", "..");
const adminUrl = process.env.TEST_DATABASE_URL;

interface Worker {
  child: ChildProcess;
  out: () => string;
  leaseAt: () => number | undefined;
}

function startWorker(url: string, name: string): Promise<Worker> {
  const child = spawn(process.execPath, ["--import", "tsx", "engine/integration/lease-worker.ts", url, name], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const leaseAt = () => {
    const m = /LEASE (\d+)/.exec(out);
    return m ? Number(m[1]) : undefined;
  };
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`worker ${name} exited (${code}): ${out}`)));
    const check = setInterval(() => {
      if (out.includes("READY")) {
        clearInterval(check);
        resolve({ child, out: () => out, leaseAt });
      }
    }, 20);
  });
}

describe.runIf(Boolean(adminUrl))("leases and durable consumers across processes (PostgreSQL)", () => {
  let pg: { url: string; drop(): Promise<void> };
  let database: Database;
  let t: TestDeps;
  const workers: Worker[] = [];

  beforeAll(async () => {
    pg = await freshPostgres(adminUrl!);
    database = await openDatabase({ url: pg.url });
    t = await testServiceDeps(database);
  });
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill("SIGKILL");
    await t?.stop();
    await database?.close();
    await pg?.drop();
  });

  it("the lease holder killed with SIGKILL is replaced within 10 s, and the work resumes with every event handled exactly once", async () => {
    const a = await startWorker(pg.url, "a");
    workers.push(a);
    await waitFor(() => a.leaseAt(), "worker a to take the lease", 10_000);
    const b = await startWorker(pg.url, "b");
    workers.push(b);
    const TOTAL = 1500;
    for (let n = 0; n < TOTAL; n += 100) await t.journal.append("Test.Work", Array.from({ length: 100 }, (_, i) => ({ n: n + i })));
    // Let a handle part of it, then kill it without warning.
    await waitFor(async () => (await t.journal.history("Test.Done", { limit: 1 })).length > 0, "a to commit a batch", 20_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(b.leaseAt()).toBeUndefined();
    const killedAt = Date.now();
    a.child.kill("SIGKILL");
    const takenAt = await waitFor(() => b.leaseAt(), "worker b to take the lease", 15_000);
    expect(takenAt - killedAt).toBeLessThan(10_000);
    const done = await waitFor(async () => {
      const rows = await t.journal.history("Test.Done", { limit: 10_000, oldestFirst: true });
      return rows.length >= TOTAL ? rows : undefined;
    }, "every event to be handled", 60_000);
    await new Promise((r) => setTimeout(r, 500));
    const all = await t.journal.history("Test.Done", { limit: 10_000, oldestFirst: true });
    expect(all.length).toBe(done.length);
    const ns = all.map((e) => Number(e.payload.n));
    expect(new Set(ns).size).toBe(TOTAL);
    expect([...ns].sort((x, y) => x - y)).toEqual(Array.from({ length: TOTAL }, (_, i) => i));
    const by = new Set(all.map((e) => e.payload.by));
    expect(by).toEqual(new Set(["a", "b"]));
    b.child.kill("SIGTERM");
  }, 120_000);
});
