// diff(): Velociraptor's vql/common/diff.go as documented: the first run is the baseline, later
// runs emit rows whose key appeared ("added") and then rows whose key went ("removed").
import { describe, expect, it } from "vitest";
import { collect, rowsOf } from "@/engine/vql/eval/testing";
import { arg } from "../arg";
import { definePlugin } from "../define";

/** A test source whose n-th run yields `runs[n]` (the last entry again once they are used up). */
function scripted(runs: unknown[][]) {
  const at: number[] = [];
  const plugin = definePlugin({
    name: "scripted",
    category: "test",
    doc: "Test: the rows of the next scripted run.",
    args: { unused: arg.any().doc("Not used.") },
    *run() {
      at.push(performance.now());
      yield* runs[Math.min(at.length - 1, runs.length - 1)]!;
    },
  });
  return { plugin, at };
}

describe("diff()", () => {
  it("emits nothing for the baseline, then added rows and then removed rows per run", async () => {
    const { plugin } = scripted([[{ K: 1 }, { K: 2 }, { K: 3 }], [{ K: 2 }, { K: 3 }, { K: 4 }], [{ K: 4 }], [{ K: 4 }, { K: 5 }]]);
    const rows = await rowsOf("SELECT * FROM diff(query={ SELECT K, 'v' + str(str=K) AS V FROM scripted() }, key='K', period=0.01) LIMIT 5", {
      extra: [plugin],
    });
    expect(rows).toEqual([
      '{"K":4,"V":"v4","Diff":"added"}',
      '{"K":1,"V":"v1","Diff":"removed"}',
      '{"K":2,"V":"v2","Diff":"removed"}',
      '{"K":3,"V":"v3","Diff":"removed"}',
      '{"K":5,"V":"v5","Diff":"added"}',
    ]);
  });

  it("compares keys as text; a key seen in both runs emits nothing even when its other columns changed", async () => {
    const { plugin } = scripted([
      [{ K: 1, V: "a" }, { V: "no key" }],
      [{ K: 1, V: "b" }, { K: "2", V: "text" }, { K: 2, V: "number" }, { V: "no key" }],
      [],
    ]);
    const rows = await rowsOf("SELECT * FROM diff(query={ SELECT * FROM scripted() }, key='K', period=0.01) LIMIT 5", { extra: [plugin] });
    expect(rows).toEqual([
      '{"K":"2","V":"text","Diff":"added"}',
      '{"K":2,"V":"number","Diff":"added"}',
      // The third run is empty: the rows kept from the second run go, both rows of key "2" included.
      '{"K":1,"V":"b","Diff":"removed"}',
      '{"K":"2","V":"text","Diff":"removed"}',
      '{"K":2,"V":"number","Diff":"removed"}',
    ]);
  });

  it("a Diff column of the query's own is overwritten and moves to the end", async () => {
    const { plugin } = scripted([[], [{ Diff: "mine", K: 1 }]]);
    expect(await rowsOf("SELECT * FROM diff(query={ SELECT * FROM scripted() }, key='K', period=0.01) LIMIT 1", { extra: [plugin] })).toEqual([
      '{"K":1,"Diff":"added"}',
    ]);
  });

  it("runs the query at once, then `period` seconds after each run's rows", async () => {
    const { plugin, at } = scripted([[{ K: 1 }], [{ K: 2 }], [{ K: 3 }]]);
    const t = performance.now();
    await rowsOf("SELECT * FROM diff(query={ SELECT * FROM scripted() }, key='K', period=0.05) LIMIT 4", { extra: [plugin] });
    expect(at).toHaveLength(3);
    expect(at[0]! - t).toBeLessThan(200);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(50 - 3);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(50 - 3);
  });

  it("period 0 means the default of 60 seconds: one run within 200 ms", async () => {
    const { plugin, at } = scripted([[{ K: 1 }], [{ K: 2 }]]);
    const r = await collect("SELECT * FROM diff(query={ SELECT * FROM scripted() }, key='K', period=0)", { extra: [plugin], timeoutMs: 200 });
    expect(r.rows).toEqual([]);
    expect(at).toHaveLength(1);
  });

  it("never ends by itself, and a query that never ends is never compared", async () => {
    const { plugin } = scripted([[{ K: 1 }]]);
    const same = await collect("SELECT * FROM diff(query={ SELECT * FROM scripted() }, key='K', period=0.01)", { extra: [plugin], timeoutMs: 150 });
    expect(same.rows).toEqual([]);
    expect(same.logs.filter((l) => l.startsWith("ERROR"))).toEqual(["ERROR VQL3014 query timed out after 0.15s"]);
    const endless = await collect("SELECT * FROM diff(query={ SELECT * FROM clock(ms=5) }, key='Unix', period=0.01)", { timeoutMs: 150 });
    expect(endless.rows).toEqual([]);
  });

  it("needs query and key", async () => {
    const r = await collect("SELECT * FROM diff(query={ SELECT 1 AS K FROM scope() })");
    expect(r.logs).toEqual(["ERROR 1:15 VQL3002 `diff()` needs argument `key` (Field key is required)"]);
  });
});
