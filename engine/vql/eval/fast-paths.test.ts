// The evaluator's fast paths (docs/vql-engine.md, Performance) must give what the general path
// gives: each shape is checked where it can diverge (asynchronous values, rejected rows, logs
// between rows, row limits, aggregates in group keys, values that need materialising).
import { describe, expect, it } from "vitest";
import { arg } from "../builtins/arg";
import { defineFunction } from "../builtins/define";
import { createRegistry, portableBuiltins } from "../builtins/registry";
import { runVqlChunks } from "./run";
import { collect, rowsOf } from "./testing";

/** later(v=x): x, one microtask later (an asynchronous builtin). */
const later = defineFunction({
  name: "later",
  category: "test",
  doc: "Its argument, asynchronously.",
  args: { v: arg.any().doc("The value.") },
  async run({ v }) {
    await Promise.resolve();
    return v;
  },
});
const extra = [later];

describe("the simple SELECT loop", () => {
  it("filters and computes like the general path, also when WHERE or a column is asynchronous", async () => {
    expect(await rowsOf("SELECT _value * 2 AS X FROM range(end=5) WHERE _value > 2")).toEqual(['{"X":6}', '{"X":8}']);
    expect(await rowsOf("SELECT _value AS X FROM range(end=5) WHERE later(v=_value) > 2", { extra })).toEqual(['{"X":3}', '{"X":4}']);
    expect(await rowsOf("SELECT later(v=_value) AS X FROM range(end=3) WHERE _value != 1", { extra })).toEqual(['{"X":0}', '{"X":2}']);
  });

  it("a WHERE value that is not a bool is judged by truthiness", async () => {
    expect(await rowsOf("SELECT _value AS X FROM range(end=4) WHERE _value")).toEqual(['{"X":1}', '{"X":2}', '{"X":3}']);
    expect(await rowsOf("SELECT _value AS X FROM range(end=3) WHERE 'x'")).toHaveLength(3);
  });

  it("logs written while a row is made come out before that row", async () => {
    const kinds: string[] = [];
    const registry = createRegistry(portableBuiltins);
    const q = "SELECT _value AS X, if(condition=_value = 1, then=log(message='at one')) AS L FROM range(end=3)";
    for await (const c of runVqlChunks(q, { registry })) {
      if (c.kind === "rows") for (const r of c.rows) kinds.push(`row ${String(r.get("X"))}`);
      else if (c.kind === "log") kinds.push(`log ${c.message}`);
    }
    expect(kinds).toEqual(["row 0", "log at one", "row 1", "row 2"]);
  });

  it("keeps the row limit: one row more than allowed marks the result truncated, exactly as many does not", async () => {
    const over = await collect("SELECT _value AS X FROM range(end=1000)", { maxRows: 3 });
    expect(over.rows).toEqual(['{"X":0}', '{"X":1}', '{"X":2}']);
    expect(over.events.find((e) => e.kind === "select-end")).toMatchObject({ rows: 3, truncated: true });
    const exact = await collect("SELECT _value AS X FROM range(end=3)", { maxRows: 3 });
    expect(exact.events.find((e) => e.kind === "select-end")).toMatchObject({ rows: 3, truncated: false });
  });
});

describe("fused operators", () => {
  it("a variable that is not a number takes the general operator", async () => {
    expect(await rowsOf("SELECT X * 2 AS A, X + 1 AS B, X - 1 AS C, X / 2 AS D FROM foreach(row=[dict(X='ab'), dict(X=4)])")).toEqual([
      '{"A":"abab","B":null,"C":null,"D":null}',
      '{"A":8,"B":5,"C":3,"D":2}',
    ]);
    // REFERENCE §6.4: a string on the left of an int compares TRUE both ways.
    expect(await rowsOf("SELECT X > 1 AS G, X < 1 AS L FROM foreach(row=[dict(X='b'), dict(X=2)])")).toEqual([
      '{"G":true,"L":true}',
      '{"G":true,"L":false}',
    ]);
  });

  it("division by a literal zero is NULL, and a missing variable is logged once per use", async () => {
    expect(await rowsOf("SELECT _value / 0 AS D FROM range(end=1)")).toEqual(['{"D":null}']);
    const r = await collect("SELECT Nope * 2 AS X FROM range(end=1)");
    expect(r.rows).toEqual(['{"X":null}']);
    expect(r.logs.filter((l) => l.includes("Symbol Nope not found"))).toHaveLength(1);
  });

  it("a lazy LET in a fused operand is evaluated in the row's scope", async () => {
    expect(await rowsOf("LET D = _value * 10 SELECT D + 1 AS X FROM range(end=3) WHERE D > 5")).toEqual(['{"X":11}', '{"X":21}']);
  });
});

describe("GROUP BY <alias>", () => {
  it("groups on the alias column, with asynchronous keys too", async () => {
    const q = "SELECT later(v=int(int=_value / 2)) AS K, count() AS C FROM range(end=5) GROUP BY K";
    expect(await rowsOf(q, { extra })).toEqual(['{"K":0,"C":2}', '{"K":1,"C":2}', '{"K":2,"C":1}']);
  });

  it("with WHERE on the alias, rejected rows never reach a bin", async () => {
    const q = "SELECT int(int=_value / 2) AS K, count() AS C FROM range(end=6) WHERE K != 1 GROUP BY K";
    expect(await rowsOf(q)).toEqual(['{"K":0,"C":2}', '{"K":2,"C":2}']);
  });

  it("an aggregate key is computed in the query's context and again in its bin", async () => {
    expect(await rowsOf("SELECT count() AS K FROM range(end=3) GROUP BY K")).toEqual(['{"K":1}', '{"K":1}', '{"K":1}']);
  });

  it("each bin keeps the values of its last row", async () => {
    const q = "SELECT int(int=_value / 3) AS K, _value AS Last, count() AS C FROM range(end=7) GROUP BY K";
    expect(await rowsOf(q)).toEqual(['{"K":0,"Last":2,"C":3}', '{"K":1,"Last":5,"C":3}', '{"K":2,"Last":6,"C":1}']);
  });

  it("with `*` columns the bin keeps whole rows", async () => {
    const q = "SELECT *, count() AS C FROM foreach(row=[dict(K=1, V='a'), dict(K=2, V='b'), dict(K=1, V='c')]) GROUP BY K";
    expect(await rowsOf(q)).toEqual(['{"K":1,"V":"c","C":2}', '{"K":2,"V":"b","C":1}']);
  });
});

describe("unary builtin calls", () => {
  it("give run()'s value, with asynchronous arguments too", async () => {
    expect(await rowsOf("SELECT int(int='0x10') AS A, str(str=1.5) AS B, len(list=[1, 2]) AS C, upcase(string=later(v='ab')) AS D FROM scope()", { extra })).toEqual([
      '{"A":16,"B":"1.5","C":2,"D":"AB"}',
    ]);
  });
});

describe("aggregate calls", () => {
  it("share one state whether a value arrives synchronously or not", async () => {
    const q = "SELECT sum(item=if(condition=_value = 2, then=later(v=_value), else=_value)) AS S, count() AS C, max(item=_value) AS M FROM range(end=4)";
    expect(await rowsOf(q, { extra })).toEqual(['{"S":0,"C":1,"M":0}', '{"S":1,"C":2,"M":1}', '{"S":3,"C":3,"M":2}', '{"S":6,"C":4,"M":3}']);
  });

  it("keep a state per GROUP BY bin and per call of a LET function", async () => {
    expect(await rowsOf("SELECT _value % 2 AS K, enumerate(items=_value) AS E FROM range(end=5) GROUP BY K")).toEqual([
      '{"K":0,"E":[0,2,4]}',
      '{"K":1,"E":[1,3]}',
    ]);
    expect(await rowsOf("LET F(X) = count() + X SELECT F(X=10) AS A, F(X=20) AS B FROM range(end=2)")).toEqual(['{"A":11,"B":21}', '{"A":11,"B":21}']);
  });
});

describe("SELECT * copies", () => {
  it("materialise stored queries held by the copied row", async () => {
    expect(await rowsOf("LET Q = SELECT 2 AS B FROM scope() SELECT * FROM foreach(row=[dict(X=Q, Y=1)])")).toEqual(['{"X":[{"B":2}],"Y":1}']);
  });

  it("are independent of the rows they copy", async () => {
    const q = "LET R <= SELECT 1 AS A FROM scope() LET C <= SELECT * FROM R SELECT set(item=C[0], field='B', value=2) AS S, R, C FROM scope()";
    // set() changes the copy in place (and returns it); the rows of R are untouched.
    expect(await rowsOf(q)).toEqual(['{"S":{"A":1,"B":2},"R":[{"A":1}],"C":[{"A":1,"B":2}]}']);
  });
});

describe("foreach bodies", () => {
  it("a one-row body shares one aggregate context across iterations (REFERENCE §5.7)", async () => {
    const q = "SELECT * FROM foreach(row={ SELECT _value AS X FROM range(end=3) }, query={ SELECT X, count() AS C FROM scope() })";
    expect(await rowsOf(q)).toEqual(['{"X":0,"C":1}', '{"X":1,"C":2}', '{"X":2,"C":3}']);
  });

  it("in a one-row body `*` expands scope()'s row, which has no columns (the outer row's columns are variables)", async () => {
    expect(await rowsOf("SELECT * FROM foreach(row=[dict(A=1), dict(A=2)], query={ SELECT *, 'x' AS B FROM scope() })")).toEqual([
      '{"B":"x"}',
      '{"B":"x"}',
    ]);
  });

  it("see the outer row's columns, and nested bodies count towards the depth limit", async () => {
    expect(await rowsOf("SELECT * FROM foreach(row={ SELECT _value AS X FROM range(end=3) }, query={ SELECT X * 2 AS Y FROM scope() })")).toEqual([
      '{"Y":0}',
      '{"Y":2}',
      '{"Y":4}',
    ]);
    const r = await collect("LET F(N) = SELECT * FROM foreach(row={ SELECT N AS M FROM scope() }, query={ SELECT * FROM F(N=M + 1) }) SELECT * FROM F(N=0)");
    expect(r.rows).toEqual([]);
    expect(r.logs.some((l) => l.includes("Stack Overflow"))).toBe(true);
  });
});
