// generate(): Velociraptor's vql/golang/generator.go and its documented use (one query, several
// readers that each filter its rows; System.VFS.ListDirectory's two sources). Expected values
// from first principles: every reader subscribed sees every row; the query runs once.
import { describe, expect, it } from "vitest";
import { rowsOf } from "@/engine/vql/eval/testing";
import { arg } from "../arg";
import { definePlugin } from "../define";
import { MAX_BUFFERED } from "./generate";

/** A source that counts how often it is opened (the side effect of running the query). */
function counted() {
  const state = { opens: 0 };
  const plugin = definePlugin({
    name: "counted",
    category: "test",
    doc: "Test: N rows; counts its runs.",
    args: { n: arg.int().default(3).doc("Rows.") },
    async *run({ n }) {
      state.opens++;
      for (let i = 0; i < n; i++) yield { N: i };
    },
  });
  return { state, plugin };
}

describe("generate()", () => {
  it("two concurrent readers of one generator see every row; the query runs once", async () => {
    const { state, plugin } = counted();
    const rows = await rowsOf(
      `LET G = generate(name='g', query={ SELECT N FROM counted(n=4) }, fan_out=2)
       SELECT * FROM chain(async=TRUE,
         a={ SELECT 'a' AS R, N FROM G WHERE N % 2 = 0 },
         b={ SELECT 'b' AS R, N FROM G })`,
      { extra: [plugin] },
    );
    expect(state.opens).toBe(1);
    expect(rows.filter((r) => r.includes('"a"')).sort()).toEqual(['{"R":"a","N":0}', '{"R":"a","N":2}']);
    expect(rows.filter((r) => r.includes('"b"')).sort()).toEqual(['{"R":"b","N":0}', '{"R":"b","N":1}', '{"R":"b","N":2}', '{"R":"b","N":3}']);
  });

  it("readers that connect during `delay` share the run (System.VFS.ListDirectory's pattern)", async () => {
    const { state, plugin } = counted();
    const rows = await rowsOf(
      `LET G = generate(name='vfs-' + 'F.1', query={ SELECT N FROM counted(n=3) }, delay=50)
       SELECT * FROM chain(async=TRUE,
         a={ SELECT count() AS Listing FROM G WHERE N != 1 GROUP BY 1 },
         b={ SELECT count() AS Stats FROM G WHERE N = 1 GROUP BY 1 })`,
      { extra: [plugin] },
    );
    expect(state.opens).toBe(1);
    expect(rows.sort()).toEqual(['{"Listing":2}', '{"Stats":1}']);
  });

  it("fan_out waits for that many readers before the query starts", async () => {
    const { state, plugin } = counted();
    // The second reader joins 50 ms late; with fan_out=2 it still gets every row.
    const rows = await rowsOf(
      `LET G = generate(name='g', query={ SELECT N FROM counted(n=3) }, fan_out=2)
       SELECT * FROM chain(async=TRUE,
         a={ SELECT 'a' AS R, N FROM G },
         b={ SELECT * FROM foreach(row={ SELECT sleep(ms=50) FROM scope() }, query={ SELECT 'b' AS R, N FROM G }) })`,
      { extra: [plugin] },
    );
    expect(state.opens).toBe(1);
    expect(rows.length).toBe(6);
    expect(rows.filter((r) => r.includes('"b"')).length).toBe(3);
  });

  it("a reader after the query ended makes a new generator: the query runs again", async () => {
    const { state, plugin } = counted();
    const rows = await rowsOf(
      `LET G = generate(name='g', query={ SELECT N FROM counted(n=2) })
       LET first <= SELECT * FROM G
       LET second <= SELECT * FROM G
       SELECT len(list=first) AS A, len(list=second) AS B FROM scope()`,
      { extra: [plugin] },
    );
    expect(rows).toEqual(['{"A":2,"B":2}']);
    expect(state.opens).toBe(2);
  });

  it("a reader that breaks (LIMIT) leaves; the others keep receiving every row", async () => {
    const { state, plugin } = counted();
    const rows = await rowsOf(
      `LET G = generate(name='g', query={ SELECT N FROM counted(n=5) }, fan_out=2)
       SELECT * FROM chain(async=TRUE,
         a={ SELECT 'a' AS R, N FROM G LIMIT 1 },
         b={ SELECT 'b' AS R, N FROM G })`,
      { extra: [plugin] },
    );
    expect(state.opens).toBe(1);
    expect(rows.filter((r) => r.includes('"a"'))).toEqual(['{"R":"a","N":0}']);
    expect(rows.filter((r) => r.includes('"b"')).length).toBe(5);
  });

  it("a slow reader pauses the query instead of buffering without bound", async () => {
    const n = MAX_BUFFERED * 3;
    const { plugin } = counted();
    const rows = await rowsOf(
      `LET G = generate(name='g', query={ SELECT N FROM counted(n=${n}) }, fan_out=2)
       SELECT * FROM chain(async=TRUE,
         a={ SELECT count() AS A FROM G GROUP BY 1 },
         b={ SELECT count() AS B FROM foreach(row=G, query={ SELECT N, if(condition=N % 500 = 0, then=sleep(ms=1)) AS S FROM scope() }) GROUP BY 1 })`,
      { extra: [plugin] },
    );
    expect(rows.sort()).toEqual([`{"A":${n}}`, `{"B":${n}}`]);
  });

  it("without a query it logs and returns FALSE", async () => {
    const rows = await rowsOf("SELECT generate(name='x') AS G FROM scope()", { allowErrors: true });
    expect(rows).toEqual(['{"G":false}']);
  });
});
