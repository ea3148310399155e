import { describe, expect, it } from "vitest";
import { parse } from "../parser/parse";
import { markdownOf, outline } from "./outline";

describe("outline()", () => {
  it("lists LETs with their parameters and SELECTs with source, columns and Markdown", () => {
    const r = parse(`LET Files = SELECT * FROM glob(globs="/x")
LET Hash(path, algo="sha256") = hash(path=path)
/*
  # Big files
  More than 1 MB.
*/
SELECT OSPath, Size / 1024 AS KB FROM Files WHERE Size > 1000000`);
    expect(outline(r)).toEqual([
      { kind: "let", statement: 0, name: "Files", operator: "=", body: "query", span: r.statements[0]!.span, nameSpan: { start: 4, end: 9 } },
      {
        kind: "let",
        statement: 1,
        name: "Hash",
        params: [{ name: "path" }, { name: "algo", default: '"sha256"' }],
        operator: "=",
        body: "expression",
        span: r.statements[1]!.span,
        nameSpan: { start: 47, end: 51 },
      },
      {
        kind: "select",
        statement: 2,
        from: "Files",
        columns: ["OSPath", "KB"],
        explain: false,
        markdown: "# Big files\nMore than 1 MB.",
        span: r.statements[2]!.span,
      },
    ]);
  });

  it("outlines a broken LET by its name", () => {
    const r = parse("LET F(a) = a +\nSELECT 1 FROM scope()");
    expect(outline(r).map((e) => (e.kind === "let" ? [e.name, e.body, e.params] : [e.kind]))).toEqual([["F", "error", [{ name: "a" }]], ["select"]]);
  });

  it("joins several block comments and ignores line comments for Markdown", () => {
    const r = parse("/* one */\n-- not markdown\n/* two */\nSELECT 1 FROM scope()");
    expect(markdownOf(r.statements[0]!.comments)).toBe("one\n\ntwo");
  });
});
