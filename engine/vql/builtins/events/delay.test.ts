// delay(): Velociraptor's vql/tools/delay.go as documented: each row is relayed no sooner than
// `delay` seconds after it arrived; buffer_size rows are held at most.
import { describe, expect, it } from "vitest";
import { collect, rowsOf } from "@/engine/vql/eval/testing";
import { arg } from "../arg";
import { defineFunction, definePlugin } from "../define";
import { createRegistry, portableBuiltins } from "../registry";
import { runVql } from "@/engine/vql/eval/run";
import { toJsonText } from "@/engine/vql/values/json";

/** A test source of `n` rows that records when each was read. */
function counted(n: number) {
  const readAt: number[] = [];
  const plugin = definePlugin({
    name: "counted",
    category: "test",
    doc: "Test: rows N=0..n-1, recording when each is read.",
    args: { unused: arg.any().doc("Not used.") },
    *run() {
      for (let i = 0; i < n; i++) {
        readAt.push(performance.now());
        yield { N: i };
      }
    },
  });
  return { plugin, readAt };
}

describe("delay()", () => {
  it("passes every row on in order `delay` seconds after it arrived, then ends with the query", async () => {
    const { plugin, readAt } = counted(3);
    const rows: string[] = [];
    const outAt: number[] = [];
    const registry = createRegistry([...portableBuiltins, plugin]);
    for await (const e of runVql("SELECT * FROM delay(query={ SELECT N FROM counted() }, delay=0.05)", { registry })) {
      if (e.kind === "row") {
        outAt.push(performance.now());
        rows.push(toJsonText(e.row));
      }
    }
    expect(rows).toEqual(['{"N":0}', '{"N":1}', '{"N":2}']);
    for (let i = 0; i < 3; i++) expect(outAt[i]! - readAt[i]!).toBeGreaterThanOrEqual(50 - 3);
  });

  it("holds each row of an event query for the delay, measured from its own arrival", async () => {
    // Rows arrive every 30 ms; each comes out 50 ms after its clock time.
    const rows = await rowsOf(
      "SELECT now_ms() - UnixNano / 1000000 AS Held FROM delay(query={ SELECT UnixNano FROM clock(ms=30) }, delay=0.05) LIMIT 3",
      { extra: [nowMs] },
    );
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      const { Held } = JSON.parse(row) as { Held: number };
      expect(Held).toBeGreaterThanOrEqual(50 - 3);
      // Held from its own arrival, not until the (endless) query ends; a loaded machine adds some.
      expect(Held).toBeLessThan(50 + 150);
    }
  });

  it("delay=0 passes rows on at once", async () => {
    const t = performance.now();
    expect(await rowsOf("SELECT * FROM delay(query={ SELECT _value AS N FROM range(end=2) }, delay=0)")).toEqual(['{"N":0}', '{"N":1}']);
    expect(performance.now() - t).toBeLessThan(200);
  });

  it("a full buffer stops reading the query until a row leaves", async () => {
    const { plugin, readAt } = counted(3);
    const t = performance.now();
    expect(await rowsOf("SELECT * FROM delay(query={ SELECT N FROM counted() }, delay=0.04, buffer_size=1)", { extra: [plugin] })).toHaveLength(3);
    // One row at a time: each is read only once the one before has been passed on.
    expect(readAt[1]! - readAt[0]!).toBeGreaterThanOrEqual(40 - 3);
    expect(readAt[2]! - readAt[1]!).toBeGreaterThanOrEqual(40 - 3);
    expect(performance.now() - t).toBeGreaterThanOrEqual(3 * 40 - 3);
  });

  it("needs query and delay", async () => {
    const r = await collect("SELECT * FROM delay(query={ SELECT 1 AS N FROM scope() })");
    expect(r.logs).toEqual(["ERROR 1:15 VQL3002 `delay()` needs argument `delay` (Field delay is required)"]);
  });
});

/** The wall clock in milliseconds (the run clock clock() rows are stamped with). */
const nowMs = defineFunction({ name: "now_ms", category: "test", doc: "Test: Date.now().", args: {}, run: () => Date.now() });
