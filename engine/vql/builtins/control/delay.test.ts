// delay(): each row goes out no sooner than `delay` seconds after it arrived, in order, the plugin
// ends once its query has ended and the held rows are out, and at most buffer_size rows are
// held (the query is not read further until one leaves).
import { describe, expect, it } from "vitest";
import { arg } from "../arg";
import { definePlugin } from "../define";
import { createRegistry, portableBuiltins } from "../registry";
import { runVql } from "../../eval/run";
import { toJsonText } from "../../values/json";

let pulled = 0;
const counter = definePlugin({
  name: "counter",
  category: "test",
  doc: "Test producer: `n` rows {N, At} as fast as they are read; counts what was read.",
  args: { n: arg.int().required().doc("How many rows.") },
  async *run({ n }) {
    for (let i = 0; i < n; i++) {
      pulled++;
      yield { N: i, At: Date.now() };
    }
  },
});
const registry = createRegistry([...portableBuiltins, counter]);

async function rows(vql: string) {
  const out: Array<Record<string, number> & { Out: number }> = [];
  for await (const e of runVql(vql, { registry })) if (e.kind === "row") out.push({ ...(JSON.parse(toJsonText(e.row)) as Record<string, number>), Out: Date.now() });
  return out;
}

describe("delay()", () => {
  it("holds every row for at least `delay` seconds, keeps their order, and ends after the last", async () => {
    const t0 = Date.now();
    const out = await rows("SELECT N, At FROM delay(query={ SELECT * FROM counter(n=5) }, delay=1)");
    expect(out.map((r) => r.N)).toEqual([0, 1, 2, 3, 4]);
    for (const r of out) expect(r.Out - r.At).toBeGreaterThanOrEqual(990);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it("reads no more than buffer_size rows ahead of what it has relayed", async () => {
    pulled = 0;
    for await (const e of runVql("SELECT N FROM delay(query={ SELECT * FROM counter(n=100) }, delay=1, buffer_size=3)", { registry })) {
      if (e.kind === "row") break;
    }
    // One relayed, up to three held, and the one read while the first was leaving.
    expect(pulled).toBeLessThanOrEqual(5);
  });
});
