import { describe, expect, it } from "vitest";
import type { Expr, LetStatement, SelectStatement } from "../ast/types";
import { columnName } from "../ast/print";
import { stripSpans } from "../ast/strip-spans";
import { parse } from "./parse";

const select = (text: string): SelectStatement => {
  const r = parse(text);
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return r.statements[r.statements.length - 1] as SelectStatement;
};
const col = (text: string, i = 0): Expr => {
  const c = select(`SELECT ${text} FROM scope()`).columns[i]!;
  if (c.kind !== "column") throw new Error("star");
  return c.expr;
};
/** A compact shape of an expression: operators and leaves, for precedence checks. */
const shape = (e: Expr): unknown => {
  switch (e.kind) {
    case "and":
    case "or":
      return [e.operator, shape(e.left), shape(e.right)];
    case "binary":
    case "compare":
      return [e.op, shape(e.left), shape(e.right)];
    case "not":
      return ["NOT", shape(e.operand)];
    case "negate":
      return ["neg", shape(e.operand)];
    case "paren":
      return ["()", shape(e.expr)];
    case "number":
      return e.value;
    case "bool":
      return e.value;
    case "symbol":
      return e.parts.map((p) => p.name).join(".");
    case "index":
      return ["[]", shape(e.object), shape(e.index)];
    case "member":
      return [".", shape(e.object), e.property.name];
    case "call":
      return `${e.path}()`;
    default:
      return e.kind;
  }
};

describe("parse(): precedence quirks of REFERENCE §3", () => {
  it("binds OR tighter than AND", () => {
    expect(shape(col("FALSE AND 5 OR 4"))).toEqual(["AND", false, ["OR", 5, 4]]);
    expect(shape(col("TRUE OR FALSE AND FALSE"))).toEqual(["AND", ["OR", true, false], false]);
    expect(shape(col("a && b || c"))).toEqual(["&&", "a", ["||", "b", "c"]]);
  });

  it("makes NOT cover a whole comparison but not an OR", () => {
    expect(shape(col("NOT foo = 2"))).toEqual(["NOT", ["=", "foo", 2]]);
    expect(shape(col("NOT a OR b"))).toEqual(["OR", ["NOT", "a"], "b"]);
  });

  it("binds * and / tighter than + and -, left to right", () => {
    expect(shape(col("1 + 2 * 4 - 3 / 2"))).toEqual(["-", ["+", 1, ["*", 2, 4]], ["/", 3, 2]]);
    expect(shape(col("(1 + 2) * 4"))).toEqual(["*", ["()", ["+", 1, 2]], 4]);
  });

  it("keeps only the last operator of a comparison chain and warns", () => {
    const r = parse("SELECT 3 < 2 < 1 FROM scope()");
    const c = (r.statements[0] as SelectStatement).columns[0]!;
    expect(c.kind === "column" && shape(c.expr)).toEqual(["<", 3, 1]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["VQL1510"]);
  });

  it("normalizes IN to upper case and keeps other operator spellings", () => {
    expect(shape(col("5 in (1, 2)"))).toEqual(["IN", 5, "array"]);
    expect(shape(col("a and b"))).toEqual(["and", "a", "b"]);
    expect(shape(col("a ||| b"))).toEqual(["|||", "a", "b"]);
  });

  it("negates only the name or call: -X[0] is (-X)[0]", () => {
    expect(shape(col("-X[0]"))).toEqual(["[]", ["neg", "X"], 0]);
    expect(shape(col("-a.b"))).toEqual(["neg", "a.b"]);
    expect(shape(col("-Bar(X=3)"))).toEqual(["neg", "Bar()"]);
    expect(shape(col("-0x10"))).toEqual(-16);
  });

  it("reads a dotted name as one symbol and a member after a call as a member", () => {
    expect(shape(col("X.`Hello World`.y"))).toEqual("X.Hello World.y");
    expect(shape(col("Q(N=3).V"))).toEqual([".", "Q()", "V"]);
    const c = col("Artifact.Linux.Sys.Pslist(a=1)");
    expect(c.kind === "call" && c.name.map((n) => n.name)).toEqual(["Artifact", "Linux", "Sys", "Pslist"]);
  });

  it("accepts glued minus as subtraction with a compatibility warning", () => {
    const r = parse("SELECT X-1, 1-1, X-Y FROM scope()");
    const cols = (r.statements[0] as SelectStatement).columns.map((c) => c.kind === "column" && shape(c.expr));
    expect(cols).toEqual([["-", "X", 1], ["-", 1, 1], ["-", "X", "Y"]]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["VQL1501", "VQL1501", "VQL1501"]);
  });
});

describe("parse(): lists, arguments and the one-element collapse rule", () => {
  const arg = (text: string) => {
    const c = col(`f(${text})`);
    if (c.kind !== "call") throw new Error(c.kind);
    return c.args[0]!;
  };

  it("marks x=[v] (one element, no trailing comma) to collapse to v", () => {
    expect(arg("x=[1]").value).toMatchObject({ kind: "array", syntax: "bracket", collapse: true });
    expect(arg("x=[1,]").value).toMatchObject({ kind: "array", syntax: "bracket", collapse: false, trailingComma: true });
    expect(arg("x=[1, 2]").value).toMatchObject({ collapse: false });
    expect(arg("x=[]").value).toMatchObject({ kind: "array", elements: [], collapse: false });
  });

  it("makes a comma inside parentheses a list and (v) a parenthesis", () => {
    expect(col("(1,)")).toMatchObject({ kind: "array", syntax: "paren", trailingComma: true });
    expect(col("(1, 2)")).toMatchObject({ kind: "array", syntax: "paren", trailingComma: false });
    expect(col("(1)").kind).toBe("paren");
  });

  it("passes a subquery as an argument value", () => {
    expect(arg("query={ SELECT * FROM scope() }").value.kind).toBe("subquery");
  });

  it("reads `**`=dict and the **dict shorthand as unpacking", () => {
    expect(arg("`**`=args")).toMatchObject({ unpack: true, name: { name: "**", raw: "`**`" } });
    expect(arg("**args")).toMatchObject({ unpack: true, name: { name: "**", raw: "**" } });
  });

  it("decodes backticked argument names", () => {
    expect(arg("`arg-with-special chars`=TRUE").name.name).toBe("arg-with-special chars");
  });

  it("reads WHERE a, b and GROUP BY a, b as bare lists", () => {
    const s = select("SELECT * FROM x() WHERE a, b GROUP BY c, d,");
    expect(s.where).toMatchObject({ kind: "array", syntax: "bare", trailingComma: false });
    expect(s.groupBy).toMatchObject({ kind: "array", syntax: "bare", trailingComma: true });
  });
});

describe("parse(): statements", () => {
  it("reads the SELECT clauses", () => {
    const s = select("EXPLAIN SELECT *, a AS `b c`, * FROM Artifact.Foo.Bar(x=1) WHERE a GROUP BY a ORDER BY `b c` DESC LIMIT 0x10");
    expect(s.explain).toBe(true);
    expect(s.columns.map((c) => c.kind)).toEqual(["star", "column", "star"]);
    expect(s.columns[1]).toMatchObject({ alias: { name: "b c", raw: "`b c`" } });
    expect(s.from).toMatchObject({ path: "Artifact.Foo.Bar", called: true });
    expect(s.orderBy).toMatchObject({ column: { name: "b c" }, desc: true });
    expect(s.limit).toMatchObject({ value: 16, raw: "0x10" });
  });

  it("reads `SELECT *-1` as the columns `*` and `-1`, like vfilter", () => {
    const kindsOf = (q: string) => select(q).columns.map((c) => (c.kind === "star" ? "*" : c.expr.kind));
    expect(kindsOf("SELECT *-1 FROM x()")).toEqual(["*", "number"]);
    expect(kindsOf("SELECT *-Y, 2 FROM x()")).toEqual(["*", "negate", "number"]);
  });

  it("reads a column right after `*` without a comma as `*, column`, as vfilter does (Velociraptor's AutomateServerLabels article)", () => {
    // The article's last query, line breaks as written: `SELECT *` then `label(...)` on its own line.
    const text = 'SELECT *\nlabel(client_id=ClientId, labels="Server", op="set")\nFROM foreach(row=interrogations, query=results)';
    const s = select(text);
    expect(s.columns.map((c) => c.kind)).toEqual(["star", "column"]);
    expect(s.columns.map(columnName)).toEqual(["*", 'label(client_id=ClientId, labels="Server", op="set")']);
    expect(stripSpans(s)).toEqual(stripSpans(select(text.replace("*\n", "*,\n"))));
    // Only directly after `*`: elsewhere a missing comma is still an error.
    expect(parse("SELECT a b FROM scope()").diagnostics.some((d) => d.severity === "error")).toBe(true);
  });

  it("tells FROM name from FROM name()", () => {
    expect(select("SELECT * FROM X").from).toMatchObject({ called: false, args: [] });
    expect(select("SELECT * FROM X()").from).toMatchObject({ called: true, args: [] });
  });

  it("reads every LET form", () => {
    const r = parse(`LET A = 1
LET B <= SELECT * FROM scope()
LET F(a, b=2) = a + b
LET Q(n) = SELECT * FROM range(end=n)
LET G() = 1
LET H(q={ SELECT * FROM scope() }, l=[1]) = q`);
    expect(r.diagnostics).toEqual([]);
    const lets = r.statements as LetStatement[];
    expect(lets.map((l) => [l.name.name, l.operator, l.params?.map((p) => p.name.name), l.body.kind])).toEqual([
      ["A", "=", undefined, "number"],
      ["B", "<=", undefined, "select"],
      ["F", "=", ["a", "b"], "binary"],
      ["Q", "=", ["n"], "select"],
      ["G", "=", [], "number"],
      ["H", "=", ["q", "l"], "symbol"],
    ]);
    expect(lets[2]!.params![1]!.default).toMatchObject({ kind: "number", value: 2 });
    expect(lets[5]!.params![0]!.default!.kind).toBe("subquery");
    expect(lets[5]!.params![1]!.default).toMatchObject({ kind: "array", collapse: true });
  });

  it("gives each statement the comments that precede it", () => {
    const r = parse("/* Title */\nSELECT 1 FROM scope() -- after\n/* Second */ SELECT 2 FROM scope()");
    expect(r.statements.map((s) => s.comments.map((c) => [c.style, c.text]))).toEqual([
      [["block", "/* Title */"]],
      [
        ["dash", "-- after"],
        ["block", "/* Second */"],
      ],
    ]);
    expect(r.comments).toHaveLength(3);
  });

  it("puts spans on nodes that cover exactly their source text", () => {
    const text = "SELECT format(format='%v', args=[X.y, -Z]) AS F FROM glob(globs='/x') WHERE a OR b AND c";
    const s = select(text);
    const at = (n: { span: { start: number; end: number } }) => text.slice(n.span.start, n.span.end);
    expect(at(s)).toBe(text);
    const c = s.columns[0]!;
    expect(at(c)).toBe("format(format='%v', args=[X.y, -Z]) AS F");
    expect(c.kind === "column" && c.expr.kind === "call" && at(c.expr.args[1]!)).toBe("args=[X.y, -Z]");
    expect(at(s.from)).toBe("glob(globs='/x')");
    expect(at(s.where!)).toBe("a OR b AND c");
  });

  it("accepts an empty text and a text of only comments", () => {
    expect(parse("")).toEqual({ statements: [], diagnostics: [], comments: [] });
    expect(parse("-- nothing\n").statements).toEqual([]);
  });
});

describe("parse(): several spellings, one tree", () => {
  const same = (a: string, b: string) => expect(stripSpans(parse(b).statements)).toEqual(stripSpans(parse(a).statements));

  it("ignores case of keywords, whitespace and comments", () => {
    same("SELECT X FROM scope() WHERE X GROUP BY X ORDER BY X LIMIT 1", "select X\n  from scope()\twhere X group\n by X order by X -- c\n limit 1");
    same("SELECT a, b FROM x()", "SELECT /* one */ a, // two\n b FROM x( )");
  });

  it("ignores spaces inside dotted names and lists", () => {
    same("SELECT X.y, (1, 2), f(a=[1, 2]) FROM x()", "SELECT X . y, ( 1 ,2 ), f( a = [ 1,2 ] ) FROM x()");
  });

  it("reads the same number in any base to the same value", () => {
    expect(col("0x10")).toMatchObject({ value: 16, isInt: true });
    expect(col("020")).toMatchObject({ value: 16, isInt: true });
  });
});

describe("parse(): recovery", () => {
  it("never throws and resumes at the next statement", () => {
    const r = parse("LET A = (\nLET B = 2\nSELECT FROM\nSELECT B FROM scope()");
    expect(r.statements.map((s) => s.kind)).toEqual(["let", "let", "select", "select"]);
    expect(r.diagnostics.filter((d) => d.severity === "error")).toHaveLength(2);
  });

  it("keeps a broken LET's name and parameters", () => {
    const r = parse("LET F(a, b=1) = a +\nSELECT 1 FROM scope()");
    expect(r.statements[0]).toMatchObject({ kind: "let", name: { name: "F" }, params: [{ name: { name: "a" } }, { name: { name: "b" } }], body: { kind: "error" } });
  });

  it("does not resume at a SELECT nested in braces", () => {
    const r = parse("SELECT * FROM foreach(row=1 1, query={ SELECT * FROM scope() })\nSELECT 2 FROM scope()");
    expect(r.statements).toHaveLength(2);
    expect(r.diagnostics.filter((d) => d.severity === "error")).toHaveLength(1);
  });
});
