// `npm run bench:journal [-- --runs N --database-url URL]`: the journal's append throughput
// (rows/s) on PGlite and on PostgreSQL for batches of 1, 100 and 1,000 rows, and its wake-up
// latency: from just before an append (one row, its own transaction) to the moment a subscriber
// in another process has the event (PostgreSQL; PGlite has one process, so its figure is a
// subscriber in the same process). Each figure is the median of --runs runs (default 3).
// PostgreSQL: --database-url, else TEST_DATABASE_URL, else the run is PGlite only; a fresh
// database is created next to the one named and dropped afterwards.
// Goals (issue "Journal and cluster"): >= 50,000 rows/s batched on PostgreSQL, p99 wake-up < 50 ms.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openDatabase, type Database } from "../drizzle";
import { freshPostgres } from "../e2e/support/talon-process";
import { createIdSource, startClusterNode } from "../engine/server/cluster";
import type { Logger } from "../engine/server/contracts";
import { startJournal } from "../engine/server/services/journal";

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" }, "database-url": { type: "string" }, events: { type: "string", default: "500" } } });
const RUNS = Math.max(1, Number(values.runs));
const LATENCY_EVENTS = Math.max(50, Number(values.events));
const pgAdmin = values["database-url"] ?? process.env.TEST_DATABASE_URL;
const quiet: Logger = { info() {}, warn() {}, error() {} };
const ROOT = join(import.meta.dirname, "..");
const now = () => performance.timeOrigin + performance.now();

/** A System.Flow.Completion-sized row (about 400 bytes of JSON). */
function row(i: number) {
  return { Timestamp: 1_800_000_000 + i, ClientId: "C.0123456789abcdef", FlowId: `F.BENCH${String(i).padStart(8, "0")}`, Flow: { state: "FINISHED", total_rows: i, artifacts_with_results: ["Generic.Client.Info/BasicInformation"], request: { creator: "bench", artifacts: ["Generic.Client.Info"] } } };
}

async function withJournal<T>(database: Database, fn: (j: Awaited<ReturnType<typeof startJournal>>) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const node = await startClusterNode({ database, clock: { now: () => new Date() }, log: quiet });
  const journal = await startJournal({ database, clock: { now: () => new Date() }, log: quiet, config: {} as never, ids: createIdSource(() => node.slot(), Date.now), leases: node.leases }, controller.signal);
  try {
    return await fn(journal);
  } finally {
    controller.abort();
    await journal.stop();
    await node.stop();
  }
}

/** Rows per second appending `total` rows in batches of `batch`, each batch its own transaction. */
async function appendRate(database: Database, batch: number, total: number): Promise<number> {
  return withJournal(database, async (journal) => {
    const rows = Array.from({ length: batch }, (_, i) => row(i));
    await journal.append("Bench.Warmup", rows.slice(0, Math.min(batch, 10)));
    const t0 = performance.now();
    for (let n = 0; n < total; n += batch) await journal.append("Bench.Append", rows);
    return total / ((performance.now() - t0) / 1000);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Wake-up latencies (ms): appends here, a subscriber in `subscriber` (same process or a child). */
async function wakeups(database: Database, subscriber: "here" | { url: string }): Promise<number[]> {
  return withJournal(database, async (journal) => {
    const sentAt = new Map<number, number>();
    const got: number[] = [];
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const receive = (n: number, at: number) => {
      const s = sentAt.get(n);
      if (s !== undefined) got.push(at - s);
      if (got.length >= LATENCY_EVENTS) done();
    };
    let stop: () => void;
    if (subscriber === "here") {
      const ac = new AbortController();
      stop = () => ac.abort();
      void (async () => {
        for await (const e of journal.subscribe("Bench.Wake", { signal: ac.signal })) receive(Number(e.payload.n), now());
      })();
      await new Promise((r) => setTimeout(r, 200));
    } else {
      const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "scripts/bench-journal-subscriber.ts"), subscriber.url], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
      stop = () => child.kill("SIGTERM");
      let buf = "";
      await new Promise<void>((ready, fail) => {
        child.once("exit", (code) => fail(new Error(`subscriber exited (${code})`)));
        child.stdout!.on("data", (d: Buffer) => {
          buf += d;
          for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            if (line === "READY") ready();
            else if (line) {
              const [n, at] = line.split(" ").map(Number);
              receive(n!, at!);
            }
          }
        });
      });
    }
    for (let n = 0; n < LATENCY_EVENTS; n++) {
      sentAt.set(n, now());
      await journal.append("Bench.Wake", [{ n }]);
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.race([finished, new Promise((r) => setTimeout(r, 30_000))]);
    stop();
    return got.sort((a, b) => a - b);
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const BATCHES: Array<[number, number]> = [
  [1, 2_000],
  [100, 50_000],
  [1000, 200_000],
];

async function benchTarget(name: string, open: () => Promise<Database>, crossProcess?: { url: string }) {
  process.stdout.write(`\n${name}\n`);
  for (const [batch, total] of BATCHES) {
    const rates: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const db = await open();
      try {
        rates.push(await appendRate(db, batch, total));
      } finally {
        await db.close();
      }
    }
    process.stdout.write(`  append, batches of ${String(batch).padStart(4)}: ${Math.round(median(rates)).toLocaleString("en-US").padStart(9)} rows/s  (runs: ${rates.map((x) => Math.round(x).toLocaleString("en-US")).join(", ")})\n`);
  }
  const p50s: number[] = [];
  const p99s: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    // PostgreSQL: both processes on the named database; PGlite: one process.
    const db = crossProcess ? await openDatabase({ url: crossProcess.url }) : await open();
    try {
      const lat = await wakeups(db, crossProcess ?? "here");
      if (lat.length < LATENCY_EVENTS) process.stdout.write(`  (only ${lat.length} of ${LATENCY_EVENTS} events arrived)\n`);
      p50s.push(percentile(lat, 50));
      p99s.push(percentile(lat, 99));
    } finally {
      await db.close();
    }
  }
  const where = crossProcess ? "subscriber in another process" : "subscriber in the same process";
  process.stdout.write(`  wake-up (${where}, ${LATENCY_EVENTS} events): p50 ${median(p50s).toFixed(1)} ms, p99 ${median(p99s).toFixed(1)} ms  (p99 runs: ${p99s.map((x) => x.toFixed(1)).join(", ")})\n`);
}

const dir = mkdtempSync(join(tmpdir(), "talon-bench-journal-"));
let n = 0;
try {
  await benchTarget("PGlite (on disk)", () => openDatabase({ dataDir: join(dir, `d${n++}`) }));
  if (pgAdmin) {
    // A fresh database for every run (dropped when the run's handle closes).
    const openFresh = async (): Promise<Database> => {
      const pg = await freshPostgres(pgAdmin);
      const db = await openDatabase({ url: pg.url });
      return { ...db, close: async () => (await db.close(), await pg.drop()) };
    };
    const url = await freshPostgres(pgAdmin);
    try {
      await benchTarget("PostgreSQL", openFresh, url);
    } finally {
      await url.drop();
    }
  } else process.stdout.write("\nPostgreSQL: skipped (no --database-url or TEST_DATABASE_URL)\n");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
