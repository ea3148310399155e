// The query worker pool's sizing with real worker threads: `size` idle workers after warm(),
// a spare one started as soon as runs take the last idle worker (so the next run does not wait
// for a worker's start), no more idle ones than the size once the runs end, and `max` bounding
// every worker the pool starts.
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "@/engine/vql";
import { LIMIT_ENV } from "./config";
import { QueryWorkerPool, type PoolOptions } from "./pool";

const base: Omit<PoolOptions, "size" | "max"> = { heapMb: 256, retireHeapBytes: 256 * 1024 * 1024, data: { limits: { ...DEFAULT_LIMITS }, hints: { ...LIMIT_ENV } } };
let pool: QueryWorkerPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe("query worker pool", () => {
  it("keeps one spare idle worker while runs hold the others, and no more than its size after they end", async () => {
    pool = new QueryWorkerPool({ ...base, size: 1, max: 4 });
    pool.warm();
    await pool.warmed();
    expect(pool.stats).toMatchObject({ idle: 1, running: 0, workers: 1 });
    const a = await pool.acquire();
    // The run took the only idle worker: a spare is starting already.
    expect(pool.stats).toMatchObject({ idle: 1, running: 1, workers: 2 });
    await pool.warmed();
    const t0 = performance.now();
    const b = await pool.acquire();
    // The spare was ready: taking it did not wait for a worker's start (which is 1 s or more).
    expect(performance.now() - t0).toBeLessThan(200);
    expect(pool.stats).toMatchObject({ idle: 1, running: 2, workers: 3 });
    pool.release(a, true);
    pool.release(b, true);
    // Idle at most max(size, spare) once nothing runs: 1; the others are terminated.
    expect(pool.stats).toMatchObject({ idle: 1, running: 0 });
  }, 30_000);

  it("starts no spare beyond max", async () => {
    pool = new QueryWorkerPool({ ...base, size: 1, max: 1 });
    pool.warm();
    const a = await pool.acquire();
    expect(pool.stats).toMatchObject({ idle: 0, running: 1, workers: 1 });
    pool.release(a, true);
    expect(pool.stats).toMatchObject({ idle: 1, running: 0 });
  }, 30_000);
});
