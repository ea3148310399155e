import { describe, expect, it } from "vitest";
import { parse } from "../parser/parse";
import { columnName, printExpr, printSelectFlat } from "./print";
import type { SelectStatement } from "./types";

const columns = (text: string) => (parse(`SELECT ${text} FROM scope()`).statements[0] as SelectStatement).columns;
const name = (text: string) => columnName(columns(text)[0]!);

describe("printExpr() / columnName(): vfilter's canonical column names", () => {
  it("puts two spaces before AND and && but one before OR, keeping the spelling", () => {
    expect(name("TRUE AND FALSE")).toBe("TRUE  AND FALSE");
    expect(name("NULL&&''")).toBe("NULL  && ''");
    expect(name("1 or 2")).toBe("1 or 2");
    expect(name("a and b and c")).toBe("a  and b  and c");
  });

  it("adds the extra space before AND after any operand text", () => {
    expect(name("'a ' AND 1")).toBe("'a '  AND 1");
    expect(name("(x) AND count()")).toBe("(x)  AND count()");
  });

  it("puts a space before a name that follows `:` in a slice", () => {
    expect(name("X[1:N]")).toBe("X[1: N]");
    expect(name("X[:-N]")).toBe("X[: -N]");
    expect(name("X[-2:]")).toBe("X[-2:]");
    expect(name("Foo[-Bar(X=-1):]")).toBe("Foo[-Bar(X=-1):]");
  });

  it("re-renders numbers: ints in decimal, floats with a point", () => {
    expect(name("0x10")).toBe("16");
    expect(name("070")).toBe("56");
    expect(name("08")).toBe("8.0");
    expect(name("1e3")).toBe("1000.0");
    expect(name("2.0")).toBe("2.0");
    expect(name("-0x10")).toBe("-16");
  });

  it("keeps quotes, escapes, backticks and boolean spelling; prints NULL in capitals", () => {
    expect(name("'foo\\'s quote'")).toBe("'foo\\'s quote'");
    expect(name('"\\x01"')).toBe('"\\x01"');
    expect(name("X.`Hello World`")).toBe("X.`Hello World`");
    expect(name("-`X`")).toBe("-`X`");
    expect(name("true")).toBe("true");
    expect(name("null")).toBe("NULL");
  });

  it("prints lists, calls and arguments like vfilter", () => {
    expect(name("(1,2)")).toBe("(1, 2)");
    expect(name("(dict(Foo=12),)")).toBe("(dict(Foo=12), )");
    expect(name("count( )")).toBe("count()");
    expect(name("f(x=[1,2], y=[], z={SELECT * FROM y()})")).toBe("f(x=[1, 2], y=[], z={ SELECT * FROM y() })");
    expect(name("dict(`arg-with-special chars`=TRUE)")).toBe("dict(`arg-with-special chars`=TRUE)");
  });

  it("uppercases IN and keeps only the last comparison of a chain", () => {
    expect(name("5 in (1, 2)")).toBe("5 IN (1, 2)");
    expect(name("3 < 2 < 1")).toBe("3 < 1");
    expect(name("not X")).toBe("NOT X");
  });

  it("names a subquery column with vfilter's trailing-space quirks", () => {
    // " DESC " and "LIMIT 2 " end with a space, so the next separator adds none and " }" adds one.
    expect(name("{ SELECT * FROM x() ORDER BY a DESC LIMIT 2 }")).toBe("{ SELECT * FROM x() ORDER BY a DESC LIMIT 2  }");
    expect(name("{ SELECT * FROM x() ORDER BY a DESC }")).toBe("{ SELECT * FROM x() ORDER BY a DESC  }");
    expect(name("{SELECT a,b FROM x() WHERE a}")).toBe("{ SELECT a, b FROM x() WHERE a }");
  });

  it("uses the alias without backticks when there is one, and unquotes a backticked bare name", () => {
    expect(columnName(columns("1 AS `a b`")[0]!)).toBe("a b");
    expect(name("`a b`")).toBe("a b");
    // vfilter strips the first and last character of any name starting with a backtick.
    expect(name("`a`.b")).toBe("a`.");
    expect(columnName(columns("*")[0]!)).toBe("*");
  });

  it("prints a whole SELECT on one line", () => {
    const s = parse("select a as b from x(y=1) where c group by d order by e desc limit 5").statements[0] as SelectStatement;
    expect(printSelectFlat(s)).toBe("SELECT a AS b FROM x(y=1) WHERE c GROUP BY d ORDER BY e DESC LIMIT 5");
  });

  it("prints an expression node directly", () => {
    const c = columns("1+2*3")[0]!;
    expect(c.kind === "column" && printExpr(c.expr)).toBe("1 + 2 * 3");
  });
});
