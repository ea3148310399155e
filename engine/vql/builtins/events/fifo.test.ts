// fifo(): Velociraptor's vql/common/fifo.go and Demo.Plugins.Fifo: the first call starts the
// query in the background and (usually) returns nothing yet; later calls in the same run that
// read the same query return the window of its latest rows.
import { describe, expect, it } from "vitest";
import { collect, rowsOf } from "@/engine/vql/eval/testing";
import { arg } from "../arg";
import { defineFunction } from "../define";
import { FifoWindow } from "./fifo";

/** A run clock the query moves forward with advance(s=...), so ages do not depend on wall time. */
function fakeClock() {
  let now = 1_700_000_000_000;
  const advance = defineFunction({
    name: "advance",
    category: "test",
    doc: "Test: move the run clock forward.",
    args: { s: arg.float().required().doc("Seconds.") },
    run: ({ s }) => ((now += s * 1000), true),
  });
  return { clock: () => now, advance };
}

describe("fifo()", () => {
  it("the first call starts the query and finds the window empty; later calls see its latest max_rows rows", async () => {
    const rows = await rowsOf(`
      LET Q = SELECT _value AS N FROM range(end=10)
      LET W = SELECT N FROM fifo(query=Q, max_rows=3)
      LET first <= SELECT * FROM W
      LET wait <= sleep(ms=20)
      SELECT first, W.N AS Later FROM scope()`);
    expect(rows).toEqual(['{"first":[],"Later":[7,8,9]}']);
  });

  it("keeps collecting in the background between calls (Demo.Plugins.Fifo)", async () => {
    const rows = await rowsOf(`
      LET failed = SELECT Unix AS FailedTime FROM clock(ms=5)
      LET last_events = SELECT FailedTime FROM fifo(query=failed, max_rows=3, max_age=3600)
      LET foo <= SELECT * FROM last_events
      SELECT * FROM foreach(row={ SELECT * FROM clock(ms=100) },
        query={ SELECT count() AS Count FROM last_events GROUP BY 1 }) LIMIT 2`);
    expect(rows).toEqual(['{"Count":3}', '{"Count":3}']);
  });

  it("flush=TRUE empties the window after reading it", async () => {
    const rows = await rowsOf(`
      LET Q = SELECT _value AS N FROM range(end=3)
      LET start <= SELECT * FROM fifo(query=Q)
      LET wait <= sleep(ms=20)
      LET a <= SELECT N FROM fifo(query=Q, flush=TRUE)
      LET b <= SELECT N FROM fifo(query=Q)
      SELECT a.N AS Flushed, b.N AS After FROM scope()`);
    expect(rows).toEqual(['{"Flushed":[0,1,2],"After":[]}']);
  });

  it("drops rows older than max_age seconds (5 by default) by the run clock", async () => {
    const { clock, advance } = fakeClock();
    const query = (max: string) => `
      LET Q = SELECT _value AS N FROM range(end=3)
      LET start <= SELECT * FROM fifo(query=Q${max})
      LET wait <= sleep(ms=20)
      LET at5 <= advance(s=5)
      LET a <= SELECT N FROM fifo(query=Q)
      LET at6 <= advance(s=1)
      LET b <= SELECT N FROM fifo(query=Q)
      SELECT a.N AS After5s, b.N AS After6s FROM scope()`;
    expect(await rowsOf(query(""), { clock, extra: [advance] })).toEqual(['{"After5s":[0,1,2],"After6s":[]}']);
    expect(await rowsOf(query(", max_age=5.5"), { clock, extra: [advance] })).toEqual(['{"After5s":[0,1,2],"After6s":[]}']);
    expect(await rowsOf(query(", max_age=10"), { clock, extra: [advance] })).toEqual(['{"After5s":[0,1,2],"After6s":[0,1,2]}']);
  });

  it("one window per query: a `{...}` at one place is one query however often it runs; another query has its own", async () => {
    const rows = await rowsOf(`
      LET W = SELECT N FROM fifo(query={ SELECT _value AS N FROM range(end=3) })
      LET V = SELECT N FROM fifo(query={ SELECT _value + 10 AS N FROM range(end=3) })
      LET start <= SELECT * FROM chain(a=W, b=V)
      LET wait <= sleep(ms=20)
      SELECT W.N AS W, V.N AS V FROM scope()`);
    expect(rows).toEqual(['{"W":[0,1,2],"V":[10,11,12]}']);
  });

  it("windows last for one run only", async () => {
    const vql = `
      LET Q = SELECT _value AS N FROM range(end=3)
      SELECT * FROM fifo(query=Q)`;
    expect(await rowsOf(vql)).toEqual([]);
    expect(await rowsOf(vql)).toEqual([]);
  });

  it("needs a query", async () => {
    const r = await collect("SELECT * FROM fifo(max_rows=3)");
    expect(r.logs).toEqual(["ERROR 1:15 VQL3002 `fifo()` needs argument `query` (Field query is required)"]);
  });
});

describe("FifoWindow", () => {
  it("keeps the newest max_rows rows in arrival order", () => {
    const w = new FifoWindow(5000, 2, () => 0);
    for (const n of [1, 2, 3]) w.push(n);
    expect(w.snapshot(false)).toEqual([2, 3]);
  });

  it("a row expires once it is more than max_age old", () => {
    let now = 0;
    const w = new FifoWindow(5000, 10, () => now);
    w.push("a");
    now = 3000;
    w.push("b");
    now = 5000;
    expect(w.snapshot(false)).toEqual(["a", "b"]);
    now = 5001;
    expect(w.snapshot(false)).toEqual(["b"]);
  });
});
