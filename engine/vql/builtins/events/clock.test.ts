// clock(): Velociraptor's periodic event source (vql/common/clock.go's documented behaviour):
// rows are the current time, every period + ms; `start` delays the first row until then.
import { describe, expect, it } from "vitest";
import { collect, rowsOf } from "@/engine/vql/eval/testing";

/** A run clock frozen at 2023-11-14T22:13:20Z, so row values do not depend on wall time. */
const NOW = 1_700_000_000_000;
const clock = () => NOW;

async function timed(vql: string, opts = {}): Promise<{ rows: string[]; ms: number }> {
  const t = performance.now();
  const rows = await rowsOf(vql, { clock, ...opts });
  return { rows, ms: performance.now() - t };
}

describe("clock()", () => {
  it("emits the time every `ms` milliseconds, the first one period after the start", async () => {
    const { rows, ms } = await timed("SELECT Unix, UnixNano, String FROM clock(ms=20) LIMIT 3");
    expect(rows).toEqual(Array(3).fill('{"Unix":1700000000,"UnixNano":1700000000000000000,"String":"2023-11-14T22:13:20Z"}'));
    expect(ms).toBeGreaterThanOrEqual(3 * 20 - 3);
  });

  it("rows are timestamps: `*` gives no columns and the value compares as a time", async () => {
    expect(await rowsOf("SELECT * FROM clock(ms=1) LIMIT 1", { clock })).toEqual(["{}"]);
    expect(await rowsOf("SELECT Year, Month, Second, Unix = now() AS SameAsNow FROM clock(ms=1) LIMIT 1", { clock })).toEqual([
      '{"Year":2023,"Month":11,"Second":20,"SameAsNow":true}',
    ]);
  });

  it("period (fractions allowed) and ms add up", async () => {
    const { rows, ms } = await timed("SELECT Unix FROM clock(period=0.02, ms=20) LIMIT 2");
    expect(rows).toHaveLength(2);
    expect(ms).toBeGreaterThanOrEqual(2 * 40 - 3);
  });

  it("without period or ms it ticks once a second: no row within 300 ms", async () => {
    const r = await collect("SELECT * FROM clock()", { clock, timeoutMs: 300 });
    expect(r.rows).toEqual([]);
    expect(r.logs).toEqual(["ERROR VQL3014 query timed out after 0.3s"]);
  });

  it("a start time that has passed fires at once, then every period", async () => {
    const first = await timed("SELECT Unix FROM clock(start=0, period=10) LIMIT 1");
    expect(first.rows).toEqual(['{"Unix":1700000000}']);
    expect(first.ms).toBeLessThan(200);
    const two = await timed("SELECT Unix FROM clock(start=timestamp(epoch=0), ms=40) LIMIT 2");
    expect(two.rows).toHaveLength(2);
    expect(two.ms).toBeGreaterThanOrEqual(40 - 3);
  });

  it("a start time ahead waits until then (epoch seconds, a timestamp or a date string)", async () => {
    for (const start of ["1700000000.08", "timestamp(epoch=1700000000.08)", "'2023-11-14T22:13:20.08Z'"]) {
      const { rows, ms } = await timed(`SELECT Unix FROM clock(start=${start}, period=10) LIMIT 1`);
      expect(rows, start).toEqual(['{"Unix":1700000000}']);
      expect(ms, start).toBeGreaterThanOrEqual(80 - 3);
    }
  });

  it("a NULL start is no start; a start that is not a time is an error at the call", async () => {
    expect(await rowsOf("SELECT Unix FROM clock(start=NULL, ms=1) LIMIT 1", { clock })).toEqual(['{"Unix":1700000000}']);
    const r = await collect("SELECT * FROM clock(start=dict(a=1))", { clock });
    expect(r.rows).toEqual([]);
    expect(r.logs).toEqual(['ERROR 1:15 VQL3020 clock: cannot use {"a":1} as the start time']);
  });

  it("negative periods are argument errors", async () => {
    const r = await collect("SELECT * FROM clock(ms=-1)", { clock });
    expect(r.rows).toEqual([]);
    expect(r.logs).toEqual(["ERROR 1:21 VQL3003 argument `ms` of `clock()` should be an int >= 0 not int64"]);
  });
});
