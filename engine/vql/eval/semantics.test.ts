// Evaluation rules of REFERENCE §5-§6 beyond conformance.json: scopes, laziness, LET forms,
// recursion, GROUP BY/ORDER BY details, EXPLAIN, argument binding and unpacking.
import { describe, expect, it } from "vitest";
import { collect, rowsOf, valueOf } from "./testing";

describe("scopes and laziness", () => {
  it("plugin rows shadow LET variables of the same name", async () => {
    expect(await rowsOf("LET _value <= 'outer' SELECT _value FROM range(end=2)")).toEqual(['{"_value":0}', '{"_value":1}']);
  });

  it("a lazy LET is evaluated in the scope that references it", async () => {
    expect(await rowsOf("LET Double = _value * 2 SELECT Double FROM range(end=3)")).toEqual(['{"Double":0}', '{"Double":2}', '{"Double":4}']);
  });

  it("WHERE computes an alias once and reuses it for the output row", async () => {
    expect(await rowsOf("SELECT count() AS C FROM range(end=3) WHERE C > 0")).toEqual(['{"C":1}', '{"C":2}', '{"C":3}']);
  });

  it("columns of rejected rows are never computed", async () => {
    const rows = await rowsOf(
      "LET Seen <= dict() SELECT set(item=Seen, field=str(str=_value), value=TRUE) AS S FROM range(end=4) WHERE _value = 2 SELECT Seen FROM scope()",
    );
    expect(rows.at(-1)).toBe('{"Seen":{"2":true}}');
  });

  it("a parameter neither passed nor defaulted resolves from the caller's scope", async () => {
    expect(await rowsOf("LET Y <= 7 LET F(X=2, Y) = X + Y SELECT F() AS A, F(X=10) AS B FROM scope()")).toEqual(['{"A":9,"B":17}']);
  });

  it("a self-referencing stored query stops with Stack Overflow and no rows", async () => {
    const r = await collect("LET Q = SELECT * FROM Q SELECT * FROM Q");
    expect(r.rows).toEqual([]);
    expect(r.logs.some((l) => l.includes("VQL3010 Stack Overflow"))).toBe(true);
  });

  it("a LET masking a builtin warns but calls still reach the builtin", async () => {
    const r = await collect("LET len = 3 SELECT len, len(list=(1, 2)) AS L FROM scope()");
    expect(r.rows).toEqual(['{"len":3,"L":2}']);
    expect(r.logs).toEqual(["WARN 1:5 VQL3008 LET expression is masking a built in function len"]);
  });

  it("scope() as a value resolves variables by member access", async () => {
    expect(await rowsOf("LET Foo <= 'bar' SELECT scope().Foo AS A FROM scope()")).toEqual(['{"A":"bar"}']);
  });
});

describe("GROUP BY, ORDER BY, LIMIT", () => {
  it("sorts descending and by strings bytewise, then limits", async () => {
    expect(await rowsOf("SELECT _value AS X FROM foreach(row=('b', 'a', 'C')) ORDER BY X DESC")).toEqual(['{"X":"b"}', '{"X":"a"}', '{"X":"C"}']);
    expect(await rowsOf("SELECT _value AS X FROM range(end=5) ORDER BY X DESC LIMIT 2")).toEqual(['{"X":4}', '{"X":3}']);
  });

  it("keeps aggregate state per bin and sorts the bins", async () => {
    const rows = await rowsOf(
      "SELECT _value / 3 < 1 AS Small, count() AS N, sum(item=_value) AS S FROM range(end=6) GROUP BY Small ORDER BY N",
    );
    expect(rows).toEqual(['{"Small":true,"N":3,"S":3}', '{"Small":false,"N":3,"S":12}']);
  });

  it("groups on several expressions as one key", async () => {
    const rows = await rowsOf("SELECT A, B, count() AS N FROM foreach(row=(dict(A=1, B=2), dict(A=1, B=2), dict(A=1, B=3))) GROUP BY A, B");
    expect(rows).toEqual(['{"A":1,"B":2,"N":2}', '{"A":1,"B":3,"N":1}']);
  });
});

describe("EXPLAIN", () => {
  it("returns the same rows and logs DEBUG lines for the query, rows and rejections", async () => {
    const r = await collect("EXPLAIN SELECT _value AS V FROM range(end=2) WHERE _value = 1");
    expect(r.rows).toEqual(['{"V":1}']);
    const debug = r.logs.filter((l) => l.startsWith("DEBUG"));
    expect(debug.some((l) => l.includes("query: EXPLAIN SELECT _value AS V FROM range(end=2) WHERE _value = 1"))).toBe(true);
    expect(debug.some((l) => l.includes('rejected row: {"_value":0}'))).toBe(true);
    expect(debug.some((l) => l.includes('emitted row: {"V":1}'))).toBe(true);
  });
});

describe("arguments", () => {
  it("unpacks a dict into a plugin's arguments with **", async () => {
    expect(await rowsOf("LET A <= dict(end=2) SELECT * FROM range(`**`=A)")).toEqual(['{"_value":0}', '{"_value":1}']);
  });

  it("reports an unknown argument at its span with the nearest name", async () => {
    const r = await collect("SELECT * FROM range(stop=3)");
    expect(r.rows).toEqual([]);
    expect(r.logs).toEqual(["ERROR 1:21 VQL3001 unexpected argument `stop` to `range()`; did you mean `step`?"]);
  });

  it("returns FALSE for bad arguments of the builtins Velociraptor does that for", async () => {
    const r = await collect("SELECT format(nope=1) AS F, len(nope=1) AS L FROM scope()");
    expect(r.rows).toEqual(['{"F":false,"L":null}']);
  });

  it("coerces string arguments from lists and NULL, and int arguments from floats", async () => {
    expect(await valueOf("upcase(string=('a', 'b'))")).toBe('"[A B]"');
    expect(await valueOf("len(list=upcase(string=NULL))")).toBe("0");
    expect(await rowsOf("SELECT * FROM range(end=2.9)")).toEqual(['{"_value":0}', '{"_value":1}']);
  });
});

describe("operators on stored queries", () => {
  it("indexes, projects, adds and tests membership through the query's rows", async () => {
    const q = "LET Q = SELECT _value AS V FROM range(end=3) ";
    expect(await rowsOf(q + "SELECT Q[1] AS A, Q[-1].V AS B, Q.V AS C, 2 IN Q.V AS D, len(list=Q + Q) AS E FROM scope()")).toEqual([
      '{"A":{"V":1},"B":2,"C":[0,1,2],"D":true,"E":6}',
    ]);
  });

  it("a query is truthy when it has a row; NOT, AND and OR follow", async () => {
    const q = "LET Some = SELECT * FROM range(end=1) LET None = SELECT * FROM range(end=0) ";
    expect(await rowsOf(q + "SELECT NOT None AS A, Some AND TRUE AS B, None OR 'x' AS C FROM scope()")).toEqual(['{"A":true,"B":true,"C":true}']);
  });
});

describe("host objects as rows", () => {
  it("resolve columns through fields and getters, never class internals or prototype methods", async () => {
    class Proc {
      constructor(readonly Pid: number) {}
      get Name(): string {
        return `p${this.Pid}`;
      }
    }
    const { definePlugin } = await import("../builtins/define");
    const procs = definePlugin({
      name: "procs",
      category: "test",
      doc: "Test plugin yielding class instances.",
      args: {},
      *run() {
        yield new Proc(1);
      },
    });
    const r = await collect("SELECT Pid, Name, toString FROM procs()", { extra: [procs] });
    expect(r.rows).toEqual(['{"Pid":1,"Name":"p1","toString":null}']);
  });
});
