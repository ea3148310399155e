// sequence(): expected rows from Velociraptor's own test case
// (artifacts/testdata/server/testcases/sequence.in.yaml / .out.yaml) and its plugin's rules.
import { describe, expect, it } from "vitest";
import { rowsOf } from "../../eval/testing";

describe("sequence()", () => {
  it("Velociraptor's test case: a row with A = 1 followed by one with A = 2 is found once", async () => {
    const rows = await rowsOf(`SELECT * FROM sequence(
      a={ SELECT 1 AS A FROM scope() },
      b={ SELECT 2 AS A FROM scope() },
      c={ SELECT 3 AS A FROM scope() },
      query={
        SELECT A AS FoundA, { SELECT A FROM SEQUENCE WHERE A = 2 } AS FoundB
        FROM SEQUENCE
        WHERE A = 1 AND FoundB
      })`);
    expect(rows).toEqual(['{"FoundA":1,"FoundB":2}']);
  });
  it("empties the window after a match, and drops rows older than max_age", async () => {
    // Every row matches: the window holds just that row each time.
    expect(await rowsOf("SELECT * FROM sequence(a={ SELECT _value AS N FROM range(end=3) }, query={ SELECT len(list=SEQUENCE) AS Size FROM scope() })")).toEqual([
      '{"Size":1}',
      '{"Size":1}',
      '{"Size":1}',
    ]);
    let t = 0;
    const clock = () => (t += 20_000);
    // No match ever clears it; with 20 s between rows and max_age=30 at most 2 rows remain.
    expect(await rowsOf("SELECT * FROM sequence(a={ SELECT _value AS N FROM range(end=4) }, max_age=30, query={ SELECT len(list=SEQUENCE) AS Size FROM scope() WHERE FALSE })", { clock })).toEqual([]);
    t = 0;
    expect(
      await rowsOf("SELECT * FROM sequence(a={ SELECT _value AS N FROM range(end=4) }, max_age=30, query={ SELECT len(list=SEQUENCE) AS Size FROM scope() WHERE SEQUENCE[0].N = 2 })", { clock }),
    ).toEqual(['{"Size":2}']);
  });
});
