// STYLE §6 for every portable plugin that consumes other rows: breaking after one row runs the
// producer's finally, and an abort while a producer awaits ends the run within 100 ms.
import { describe, expect, it } from "vitest";
import { arg } from "./arg";
import { definePlugin } from "./define";
import { createRegistry, portableBuiltins } from "./registry";
import { abortableDelay } from "./time/sleep";
import { runVql } from "../eval/run";

const finished = new Set<string>();
const probe = definePlugin({
  name: "probe",
  category: "test",
  doc: "Test producer: `{N}` rows forever (or one row then a long wait with stall=TRUE); records its finally.",
  args: {
    id: arg.string().required().doc("Recorded when the producer finishes."),
    stall: arg.bool().default(false).doc("After the first row, wait 10 s (abortable)."),
  },
  async *run({ id, stall }, ctx) {
    try {
      for (let n = 0; ; n++) {
        yield { N: n };
        await abortableDelay(stall ? 10_000 : 1, ctx.signal);
      }
    } finally {
      finished.add(id);
    }
  },
});
const registry = createRegistry([...portableBuiltins, probe]);

const WRAPPERS: Record<string, (inner: string) => string> = {
  foreach: (q) => `SELECT * FROM foreach(row={ ${q} })`,
  "foreach with query": (q) => `SELECT * FROM foreach(row={ ${q} }, query={ SELECT N * 2 AS M FROM scope() })`,
  "foreach with workers": (q) => `SELECT * FROM foreach(row={ ${q} }, query={ SELECT N FROM scope() }, workers=3)`,
  chain: (q) => `SELECT * FROM chain(a={ ${q} }, b={ SELECT 1 AS X FROM scope() })`,
  "chain async": (q) => `SELECT * FROM chain(a={ ${q} }, async=TRUE)`,
  combine: (q) => `SELECT * FROM combine(a={ ${q} })`,
  switch: (q) => `SELECT * FROM switch(a={ ${q} })`,
  if: (q) => `SELECT * FROM if(condition=TRUE, then={ ${q} })`,
  flatten: (q) => `SELECT * FROM flatten(query={ ${q} })`,
  column_filter: (q) => `SELECT * FROM column_filter(query={ ${q} }, include='N')`,
  query: (q) => `SELECT * FROM query(query="${q}")`,
  "stored query": (q) => `LET S = ${q} SELECT * FROM S`,
  delay: (q) => `SELECT * FROM delay(query={ ${q} }, delay=0.001)`,
  batch: (q) => `SELECT * FROM batch(query={ ${q} }, batch_size=1)`,
  "batch with timeout": (q) => `SELECT * FROM batch(query={ ${q} }, batch_size=5, timeout=0.01)`,
  dedup: (q) => `SELECT * FROM dedup(query={ ${q} }, key='N')`,
  sample: (q) => `SELECT * FROM sample(query={ ${q} }, n=1)`,
  sequence: (q) => `SELECT * FROM sequence(a={ ${q} }, query={ SELECT * FROM SEQUENCE })`,
  sigma: (q) => `SELECT * FROM sigma(rules='''title: All\nlogsource:\n  product: p\ndetection:\n  s:\n    N|gte: 0\n  condition: s''', log_sources=sigma_log_sources(\`*/p\`={ ${q} }))`,
};

async function firstRowThenBreak(vql: string): Promise<void> {
  for await (const e of runVql(vql, { registry })) if (e.kind === "row") break;
}

describe("consumer break after one row runs the producer's finally", () => {
  for (const [name, wrap] of Object.entries(WRAPPERS)) {
    it(name, async () => {
      const id = `break-${name}`;
      await firstRowThenBreak(wrap(`SELECT * FROM probe(id='${id}')`));
      expect(finished.has(id)).toBe(true);
    });
  }
  it("self-contained producers stop too (range, parse_lines, parse_json_array, items, parse_csv, clock, parse_jsonl, split_records, parse_records_with_regex, plist)", async () => {
    for (const q of [
      "SELECT * FROM range(end=1000000000)",
      "SELECT * FROM clock(ms=1)",
      "SELECT * FROM parse_lines(filename='a\nb\nc', accessor='data')",
      "SELECT * FROM parse_json_array(data='[1,2,3]')",
      "SELECT * FROM items(item=dict(a=1, b=2))",
      "SELECT * FROM parse_csv(filename='a\n1\n2', accessor='data')",
      "SELECT * FROM parse_jsonl(filename='1\n2\n3', accessor='data')",
      "SELECT * FROM split_records(filenames='a b\nc d\ne f', accessor='data')",
      "SELECT * FROM parse_records_with_regex(file='a1 a2 a3', regex='a(\\d)', accessor='data')",
      "SELECT * FROM plist(file=['{a=1;}', '{b=2;}', '{c=3;}'], accessor='data')",
    ]) {
      const t = performance.now();
      await firstRowThenBreak(q);
      expect(performance.now() - t).toBeLessThan(500);
    }
  });
});

describe("an abort while the producer awaits ends the run within 100 ms", () => {
  for (const [name, wrap] of Object.entries(WRAPPERS)) {
    it(name, async () => {
      const id = `abort-${name}`;
      const ac = new AbortController();
      let rows = 0;
      let abortedAt = 0;
      for await (const e of runVql(wrap(`SELECT * FROM probe(id='${id}', stall=TRUE)`), { registry, signal: ac.signal })) {
        if (e.kind === "row" && ++rows === 1) {
          setTimeout(() => {
            abortedAt = performance.now();
            ac.abort();
          }, 30);
        }
      }
      expect(rows).toBeGreaterThan(0);
      expect(abortedAt).toBeGreaterThan(0);
      expect(performance.now() - abortedAt).toBeLessThan(100);
      expect(finished.has(id)).toBe(true);
    });
  }
});
