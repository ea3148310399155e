import { describe, expect, it } from "vitest";
import { parse } from "../parser/parse";
import { mapStatements, mapTree } from "./map";
import { printExpr } from "./print";
import type { Expr, Node, SelectStatement } from "./types";
import { collect, pathAt, walk } from "./walk";

const text = "LET F(a=1) = a + 1\nSELECT F(a=2) AS X, upcase(string='x') FROM range(end=3) WHERE X > 1";
const result = parse(text);

describe("walk()", () => {
  it("visits every node in source order, entering before leaving", () => {
    const kinds: string[] = [];
    walk(result.statements, { enter: (n) => void kinds.push(n.kind) });
    expect(kinds.slice(0, 8)).toEqual(["let", "name", "param", "name", "number", "binary", "symbol", "name"]);
    const starts: number[] = [];
    walk(result.statements, { enter: (n) => void (n.kind === "call" && starts.push(n.span.start)) });
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it("skips children when enter returns false", () => {
    const kinds: string[] = [];
    walk(result.statements, { enter: (n) => (kinds.push(n.kind), n.kind !== "let") });
    expect(kinds[0]).toBe("let");
    expect(kinds[1]).toBe("select");
  });

  it("collects nodes of a kind and finds the path to an offset", () => {
    expect(collect(result.statements, "call").map((c) => c.path)).toEqual(["F", "upcase"]);
    const offset = text.indexOf("'x'") + 1;
    expect(pathAt(result.statements, offset).map((n) => n.kind)).toEqual(["select", "column", "call", "arg", "string"]);
  });
});

describe("mapTree()", () => {
  it("returns the same object when nothing changes (identity map)", () => {
    const stmt = result.statements[1]!;
    expect(mapTree(stmt, (n) => n)).toBe(stmt);
    expect(mapStatements(result.statements, (n) => n)).toBe(result.statements);
  });

  it("rebuilds only the path to a changed node and shares the rest", () => {
    const stmt = result.statements[1] as SelectStatement;
    const renamed = mapTree(stmt, (n: Node): Node => (n.kind === "symbol" && n.parts[0]!.name === "X" ? { ...n, parts: [{ ...n.parts[0]!, name: "Y", raw: "Y" }] } : n));
    expect(renamed).not.toBe(stmt);
    expect(renamed.columns).toBe(stmt.columns);
    expect(renamed.from).toBe(stmt.from);
    expect(printExpr(renamed.where as Expr)).toBe("Y > 1");
    expect(printExpr(stmt.where as Expr)).toBe("X > 1");
  });
});
