import { describe, expect, it } from "vitest";
import { tokenize } from "./lexer";
import { KEYWORDS } from "./keywords";

const kinds = (text: string) => tokenize(text).tokens.map((t) => `${t.kind}:${t.text}`);

describe("tokenize()", () => {
  it("emits {kind, text, start, end} with UTF-16 offsets and drops whitespace", () => {
    expect(tokenize("SELECT  x\n").tokens).toEqual([
      { kind: "SELECT", text: "SELECT", start: 0, end: 6 },
      { kind: "ident", text: "x", start: 8, end: 9 },
    ]);
  });

  it("reads keywords case-insensitively as whole words only", () => {
    expect(kinds("select Selection orders Order")).toEqual(["SELECT:select", "ident:Selection", "ident:orders", "ident:Order"]);
    expect(kinds("group  \n by ORDER BY groupby")).toEqual(["GROUP BY:group  \n by", "ORDER BY:ORDER BY", "ident:groupby"]);
    expect(kinds("true FALSE Null")).toEqual(["TRUE:true", "FALSE:FALSE", "NULL:Null"]);
  });

  it("lexes every keyword of the exported table as that keyword", () => {
    for (const k of KEYWORDS) expect(tokenize(k.keyword.toLowerCase()).tokens[0]!.kind).toBe(k.keyword);
  });

  it("gives comments as tokens: --, // and /* */ anywhere on a line", () => {
    expect(kinds("SELECT 1 --2 AS X\n// c\n/* a\nb */ 3")).toEqual([
      "SELECT:SELECT",
      "number:1",
      "comment:--2 AS X",
      "comment:// c",
      "comment:/* a\nb */",
      "number:3",
    ]);
  });

  it("glues a minus to a following digit or name (first rule wins)", () => {
    expect(kinds("5 -1 X-1 1-1 X-Y -`a b`")).toEqual([
      "number:5",
      "number:-1",
      "ident:X",
      "number:-1",
      "number:1",
      "number:-1",
      "ident:X",
      "negated-ident:-Y",
      "negated-ident:-`a b`",
    ]);
    expect(kinds("5 - 1")).toEqual(["number:5", "op:-", "number:1"]);
  });

  it("reads numbers like vfilter: hex with lowercase x only, .5, exponents, no trailing dot", () => {
    expect(kinds("0x1F 0X10 .5 1e3 2.5E-2 1. 1.5.3")).toEqual([
      "number:0x1F",
      "number:0",
      "ident:X10",
      "number:.5",
      "number:1e3",
      "number:2.5E-2",
      "number:1",
      "op:.",
      "number:1.5",
      "number:.3",
    ]);
  });

  it("reads runs of pipes as OR and && as AND, keeping the spelling", () => {
    expect(kinds("a | b || c ||| d && e")).toEqual(["ident:a", "OR:|", "ident:b", "OR:||", "ident:c", "OR:|||", "ident:d", "AND:&&", "ident:e"]);
  });

  it("reads two-character operators before one-character ones", () => {
    expect(kinds("<> != <= >= => =~ = < > % :")).toEqual(["op:<>", "op:!=", "op:<=", "op:>=", "op:=>", "op:=~", "op:=", "op:<", "op:>", "op:%", "op::"]);
    expect(kinds("a==b")).toEqual(["ident:a", "op:=", "op:=", "ident:b"]);
  });

  it("reads strings with escapes, raw newlines and '''raw''' strings", () => {
    expect(kinds(`'it\\'s' "a\\"b" 'multi\nline' '''x 'q' y''' ''`)).toEqual([
      "string:'it\\'s'",
      'string:"a\\"b"',
      "string:'multi\nline'",
      "string:'''x 'q' y'''",
      "string:''",
    ]);
  });

  it("reads backtick names, which may hold spaces, dots and keywords", () => {
    expect(kinds("`a b`.`c.d` `Order`")).toEqual(["ident:`a b`", "op:.", "ident:`c.d`", "ident:`Order`"]);
  });

  it("reports invalid input as an invalid token plus a diagnostic, and continues", () => {
    const r = tokenize("SELECT # x ; y");
    expect(r.tokens.map((t) => t.kind)).toEqual(["SELECT", "invalid", "ident", "invalid", "ident"]);
    expect(r.diagnostics.map((d) => [d.code, d.span.start])).toEqual([
      ["VQL1001", 7],
      ["VQL1001", 11],
    ]);
  });

  it("reports unterminated strings, comments and backticks up to the end of the line", () => {
    const r = tokenize("'abc\nSELECT /* x");
    expect(r.tokens.map((t) => `${t.kind}:${t.text}`)).toEqual(["invalid:'abc", "SELECT:SELECT", "invalid:/* x"]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["VQL1002", "VQL1003"]);
    expect(tokenize("`abc").diagnostics[0]!.code).toBe("VQL1004");
  });

  it("treats an unterminated ''' as an empty string followed by an unterminated string", () => {
    const r = tokenize("'''abc");
    expect(r.tokens.map((t) => t.kind)).toEqual(["string", "invalid"]);
  });

  it("keeps a surrogate pair together in an invalid token", () => {
    const r = tokenize("😀");
    expect(r.tokens).toEqual([{ kind: "invalid", text: "😀", start: 0, end: 2 }]);
  });
});
