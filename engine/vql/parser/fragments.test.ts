import { describe, expect, it } from "vitest";
import { printExpr } from "../ast/print";
import { parseExpression, parseLambda } from "./fragments";

describe("parseExpression()", () => {
  it("parses one expression with spans into the given text", () => {
    const r = parseExpression("a.b + f(x=[1]) AND NOT c");
    expect(r.diagnostics).toEqual([]);
    expect(printExpr(r.expr!)).toBe("a.b + f(x=[1])  AND NOT c");
    expect(r.expr!.span).toEqual({ start: 0, end: 24 });
  });

  it("rejects trailing tokens and reports errors without an expression", () => {
    const r = parseExpression("1 2");
    expect(r.expr).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([["VQL1010", "expected the end of the expression, found `2`"]]);
    expect(parseExpression("1 +").diagnostics[0]!.code).toBe("VQL1013");
  });

  it("ignores comments, including a trailing line comment", () => {
    expect(printExpr(parseExpression("x > 2 -- big ones").expr!)).toBe("x > 2");
  });
});

describe("parseLambda()", () => {
  it("reads one or several parameters and an AND-level body", () => {
    const one = parseLambda("x=>x > 2");
    expect(one.params.map((p) => p.name)).toEqual(["x"]);
    expect(printExpr(one.expr!)).toBe("x > 2");
    const two = parseLambda("a, `b c` => a + `b c` AND TRUE");
    expect(two.params.map((p) => p.name)).toEqual(["a", "b c"]);
    expect(two.expr!.kind).toBe("and");
  });

  it("explains what is missing", () => {
    expect(parseLambda("x > 2").diagnostics[0]!.message).toBe("expected `=>` or `,` after a lambda parameter, found `>`");
    expect(parseLambda("=> 1").diagnostics[0]!.hint).toBe("a lambda looks like `x => x > 1`");
    expect(parseLambda("x =>").expr).toBeUndefined();
  });
});
