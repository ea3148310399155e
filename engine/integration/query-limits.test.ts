// The query API under the caller's role limits (engine.api.query, what POST /api/v1/query
// runs), on PGlite and PostgreSQL: a 429 with a clear message at the user's concurrency limit
// (never a queue), other users unaffected, a finished or abandoned query frees its slot, and
// limits an administrator changes apply to the next request.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseTargets } from "@/drizzle/testing";
import { principal } from "../server/services/notebooks/testing";
import { isolationFromEnv } from "@/engine/server/vql/isolation/config";
import { startTestServer, type TestServer } from "./harness";

const bot = principal("bot", "api");
const bot2 = principal("bot2", "api");
const admin = principal("admin", "administrator");
const SLEEP = "SELECT sleep(time=3) AS Slept FROM scope()";

async function read(stream: ReadableStream<Uint8Array>): Promise<Array<Record<string, unknown>>> {
  const text = await new Response(stream).text();
  return text.trim().split("\n").map((l) => JSON.parse(l));
}

async function eventually<T>(fn: () => Promise<T>, ms = 2000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() - t0 > ms) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

for (const target of testDatabaseTargets()) {
  describe(`query API limits on ${target.name}`, () => {
    let s: TestServer;
    beforeAll(async () => {
      // Three warm query workers: bot's two sleeping queries hold two, bot2's runs on the third
      // rather than waiting for a worker to start (the pool's spare policy is pool.test.ts's).
      s = await startTestServer({ database: await target.open(), queryIsolation: { ...isolationFromEnv(), workers: 3 } });
      await s.engine.queries.warmed();
    });
    afterAll(async () => {
      await s?.close();
    });
    const signal = () => new AbortController().signal;

    it("at the user's concurrency limit the query API answers 429 with a clear message; other users still run; a finished query frees its slot", async () => {
      const c2 = new AbortController();
      const first = await s.engine.api.query(bot, { query: SLEEP }, signal());
      const second = await s.engine.api.query(bot, { query: SLEEP }, c2.signal);
      const t0 = performance.now();
      await expect(s.engine.api.query(bot, { query: "SELECT 1 FROM scope()" }, signal())).rejects.toMatchObject({
        status: 429,
        message: "you have 2 queries or notebook cells running, the most the api role allows at once (2); try again when one has finished",
      });
      expect(performance.now() - t0).toBeLessThan(500);
      // Another user is not behind bot's queries.
      const tb = performance.now();
      const lines = await read(await s.engine.api.query(bot2, { query: "SELECT 1 AS One FROM scope()" }, signal()));
      expect(performance.now() - tb).toBeLessThan(1000);
      expect(lines.find((l) => l.type === "row")?.row).toEqual({ One: 1 });
      // The first query runs to its end and gives its slot back; the next one is accepted.
      expect((await read(first)).at(-1)).toMatchObject({ type: "status", ok: true, rows: 1 });
      const third = await eventually(() => s.engine.api.query(bot, { query: "SELECT 2 AS Two FROM scope()" }, signal()));
      expect((await read(third)).find((l) => l.type === "row")?.row).toEqual({ Two: 2 });
      // A client that goes away (the request's signal) gives its slot back too, unread.
      c2.abort();
      void second.cancel().catch(() => {});
      const a = new AbortController();
      const b = new AbortController();
      await eventually(() => s.engine.api.query(bot, { query: SLEEP }, a.signal));
      await eventually(() => s.engine.api.query(bot, { query: SLEEP }, b.signal));
      a.abort();
      b.abort();
    }, 20_000);

    it("a timeout or row cap above the role's maximum is a 400 naming it; without them the role's row cap applies", async () => {
      await expect(s.engine.api.query(bot, { query: "SELECT 1 FROM scope()", timeoutSec: 24 * 3600 }, signal())).rejects.toMatchObject({ status: 400, message: "`timeoutSec` is above the api role's maximum of 3,600 seconds" });
      await expect(s.engine.api.query(bot, { query: "SELECT 1 FROM scope()", maxRows: 50_000_000 }, signal())).rejects.toMatchObject({ status: 400, message: "`maxRows` is above the api role's maximum of 5,000,000 rows" });
      await s.engine.limits.set(admin, "api", { maxTimeoutSeconds: 3600, maxRows: 7, maxConcurrent: 2 });
      const lines = await eventually(async () => read(await s.engine.api.query(bot, { query: "SELECT * FROM range(end=100)" }, signal())));
      expect(lines.filter((l) => l.type === "row")).toHaveLength(7);
      expect(lines.find((l) => l.type === "select-end")).toMatchObject({ rows: 7, truncated: true });
    });

    it("an administrator raising the role's concurrency lets the next query through at once", async () => {
      await s.engine.limits.set(admin, "api", { maxTimeoutSeconds: 3600, maxRows: 5_000_000, maxConcurrent: 2 });
      const held = [new AbortController(), new AbortController()];
      for (const c of held) await eventually(() => s.engine.api.query(bot, { query: SLEEP }, c.signal));
      await expect(s.engine.api.query(bot, { query: SLEEP }, signal())).rejects.toMatchObject({ status: 429 });
      await s.engine.limits.set(admin, "api", { maxTimeoutSeconds: 3600, maxRows: 5_000_000, maxConcurrent: 3 });
      const c3 = new AbortController();
      await s.engine.api.query(bot, { query: SLEEP }, c3.signal);
      for (const c of [...held, c3]) c.abort();
    }, 20_000);
  });
}
