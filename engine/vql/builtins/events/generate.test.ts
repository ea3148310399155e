// generate(): Velociraptor's vql/golang/generator.go and its documented use (one query, several
// readers that each filter its rows; System.VFS.ListDirectory's two sources). Expected values
// from first principles: every reader subscribed sees every row; the query runs once.
import { describe, expect, it } from "vitest";
import { rowsOf } from "@/engine/vql/eval/testing";
import { arg } from "../arg";
import { definePlugin } from "../define";
import { END } from "@/engine/vql/values/query";
import type { QueryArg } from "../types";
import { Generator, MAX_BUFFERED } from "./generate";

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

  it("a reader that stops reading holds at most MAX_BUFFERED rows: the query waits for it; closing both readers ends it", async () => {
    let produced = 0;
    let closed = false;
    const query = {
      value: [],
      isQuery: true,
      rows: () =>
        (async function* () {
          try {
            for (;;) {
              produced++;
              yield { N: produced };
            }
          } finally {
            closed = true;
          }
        })(),
    } as unknown as QueryArg;
    const ac = new AbortController();
    let ended = false;
    const gen = new Generator("g", query, { delayMs: 0, fanOut: 2 }, { signal: ac.signal, log: () => {} }, () => (ended = true));
    const fast = gen.value.open(undefined);
    const stalled = gen.value.open(undefined);
    let got = 0;
    for (let i = 0; i < 3 * MAX_BUFFERED; i++) {
      const r = fast.next();
      const row = r instanceof Promise ? await Promise.race([r, new Promise((res) => setTimeout(() => res("waiting"), 20))]) : r;
      if (row === "waiting") break;
      got++;
    }
    expect(got).toBe(MAX_BUFFERED);
    expect(produced).toBeLessThanOrEqual(MAX_BUFFERED + 1);
    await stalled.close();
    expect(await fast.next()).toEqual({ N: MAX_BUFFERED + 1 });
    await fast.close();
    await new Promise((res) => setTimeout(res, 10));
    expect(ended).toBe(true);
    expect(closed).toBe(true);
    expect(await fast.next()).toBe(END);
    ac.abort();
  });

  it("an abort of the run ends every waiting reader and stops the query", async () => {
    const query = {
      value: [],
      isQuery: true,
      rows: () =>
        (async function* () {
          // Stuck in an await: only the abort ends the readers.
          await new Promise(() => {});
          yield 1;
        })(),
    } as unknown as QueryArg;
    const ac = new AbortController();
    const gen = new Generator("g", query, { delayMs: 0, fanOut: 0 }, { signal: ac.signal, log: () => {} }, () => {});
    const a = gen.value.open(undefined);
    const b = gen.value.open(undefined);
    const pending = [a.next(), b.next()];
    setTimeout(() => ac.abort(), 10);
    expect(await Promise.all(pending)).toEqual([END, END]);
    await a.close();
    await b.close();
  });
});
