// STYLE §6 for every event plugin, table-driven: (1) consume one row and break: the plugin's
// stream ended and no timers are left (a clock's next tick, a diff's wait between runs, a
// fifo's background query, a delay's held rows); (2) abort while the plugin waits on a long
// timer: the query ends within 100 ms of the abort, with nothing left open.
import { afterAll, describe, expect, it } from "vitest";
import { leftOpen, lifecycleTracker, openResources } from "@/engine/vql/testdata/lifecycle";
import { runVql } from "@/engine/vql/eval/run";
import { createRegistry, portableBuiltins } from "../registry";

/** Each case: a query whose rows come from the plugin, quickly (`fast`) or after a long wait (`slow`). */
const CASES: Record<string, { fast: string; slow: string }> = {
  clock: {
    fast: "SELECT * FROM clock(ms=5)",
    slow: "SELECT * FROM clock(period=10)",
  },
  diff: {
    // Each run sees a new time, so every run after the baseline adds one row and removes one.
    fast: "SELECT * FROM diff(query={ SELECT UnixNano AS T FROM clock(start=0) LIMIT 1 }, key='T', period=0.01)",
    slow: "SELECT * FROM diff(query={ SELECT UnixNano AS T FROM clock(start=0) LIMIT 1 }, key='T', period=10)",
  },
  fifo: {
    fast: "LET Q = SELECT * FROM clock(ms=5) LET W = SELECT * FROM fifo(query=Q) LET _ <= SELECT * FROM W SELECT * FROM foreach(row={ SELECT * FROM clock(ms=20) }, query=W)",
    slow: "LET Q = SELECT * FROM clock(period=10) LET W = SELECT * FROM fifo(query=Q) LET _ <= SELECT * FROM W SELECT * FROM foreach(row={ SELECT * FROM clock(period=10) }, query=W)",
  },
  generate: {
    fast: "LET G = generate(name='g', query={ SELECT * FROM clock(ms=5) }) SELECT * FROM G",
    slow: "LET G = generate(name='g', query={ SELECT * FROM clock(period=10) }) SELECT * FROM G",
  },
  delay: {
    fast: "SELECT * FROM delay(query={ SELECT * FROM clock(ms=5) }, delay=0.01)",
    slow: "SELECT * FROM delay(query={ SELECT * FROM clock(ms=5) }, delay=10)",
  },
  sequence: {
    fast: "SELECT * FROM sequence(a={ SELECT * FROM clock(ms=5) }, b={ SELECT * FROM clock(ms=7) }, query={ SELECT len(list=SEQUENCE) AS N FROM scope() })",
    slow: "SELECT * FROM sequence(a={ SELECT * FROM clock(period=10) }, query={ SELECT * FROM SEQUENCE })",
  },
};

const events = portableBuiltins.filter((b) => b.category === "event");
const { finished, tracked } = lifecycleTracker();
const registry = createRegistry([...portableBuiltins.filter((b) => b.category !== "event"), ...events.map(tracked)]);

const runs: AbortController[] = [];
afterAll(() => runs.forEach((c) => c.abort()));

it("the table covers every event plugin", () => {
  expect(Object.keys(CASES).sort()).toEqual(events.map((b) => b.name).sort());
});

describe("event plugins: one row, then break", () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}(): the stream ended and no timer is left`, async () => {
      const before = openResources();
      finished.delete(name);
      const logs: string[] = [];
      let row: unknown;
      for await (const e of runVql(c.fast, { registry })) {
        if (e.kind === "log" && e.level === "ERROR") logs.push(e.message);
        if (e.kind === "row") {
          row = e.row;
          break;
        }
      }
      expect(logs).toEqual([]);
      expect(row).toBeDefined();
      expect(finished.has(name)).toBe(true);
      expect(await leftOpen(before)).toEqual({});
    });
  }
});

describe("event plugins: abort while waiting on a long timer", () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}(): the query ends within 100 ms of the abort`, async () => {
      const before = openResources();
      const ac = new AbortController();
      runs.push(ac);
      let abortedAt = 0;
      setTimeout(() => {
        abortedAt = performance.now();
        ac.abort();
      }, 30);
      const kinds: string[] = [];
      for await (const e of runVql(c.slow, { registry, signal: ac.signal })) kinds.push(e.kind);
      expect(abortedAt).toBeGreaterThan(0);
      expect(performance.now() - abortedAt).toBeLessThan(100);
      expect(kinds).not.toContain("row");
      expect(await leftOpen(before)).toEqual({});
    });
  }
});
