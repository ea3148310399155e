import { describe, expect, it } from "vitest";
import { conformanceQueries } from "../testdata/load-corpus";
import { parse } from "../parser/parse";
import { formatVql, printProgram } from "./format";
import { stripSpans } from "./strip-spans";

const tree = (text: string) => stripSpans(parse(text).statements.map(({ comments: _, ...s }) => s));

describe("formatVql()", () => {
  it("puts clauses on their own lines and keeps short column lists on one line", () => {
    expect(formatVql("select a,b from x() where a>1 group by b order by a desc limit 3")).toBe(
      "SELECT a, b\nFROM x()\nWHERE a > 1\nGROUP BY b\nORDER BY a DESC\nLIMIT 3\n",
    );
  });

  it("puts long column lists one per line and breaks long calls one argument per line", () => {
    const out = formatVql(
      "SELECT OSPath, Size, Mtime, hash(path=OSPath, accessor='file') AS Hash, upload(file=OSPath) AS Upload FROM glob(globs=['C:/Users/*/AppData/**/*.exe', 'C:/Windows/Temp/**'], accessor='file')",
    );
    expect(out).toBe(
      [
        "SELECT",
        "  OSPath,",
        "  Size,",
        "  Mtime,",
        "  hash(path=OSPath, accessor='file') AS Hash,",
        "  upload(file=OSPath) AS Upload",
        "FROM glob(",
        "  globs=['C:/Users/*/AppData/**/*.exe', 'C:/Windows/Temp/**'],",
        "  accessor='file')",
        "",
      ].join("\n"),
    );
  });

  it("lays out long subquery arguments as indented blocks", () => {
    const out = formatVql(
      "SELECT * FROM foreach(row={ SELECT * FROM glob(globs='/etc/**') WHERE Size > 100 AND NOT IsDir AND Name =~ 'conf' }, query={ SELECT OSPath, hash(path=OSPath) AS H FROM scope() })",
    );
    expect(out).toBe(
      [
        "SELECT *",
        "FROM foreach(",
        "  row={",
        "    SELECT *",
        "    FROM glob(globs='/etc/**')",
        "    WHERE Size > 100 AND NOT IsDir AND Name =~ 'conf'",
        "  },",
        "  query={ SELECT OSPath, hash(path=OSPath) AS H FROM scope() })",
        "",
      ].join("\n"),
    );
  });

  it("keeps every comment, each above the line that followed it", () => {
    const out = formatVql("/* Title */\nLET X = 1 -- one\n// two\nSELECT a, -- three\n b FROM x()");
    expect(out).toBe("/* Title */\nLET X = 1\n\n-- one\n// two\nSELECT a, b\n-- three\nFROM x()\n");
  });

  it("separates statements by a blank line and returns text with errors unchanged", () => {
    expect(formatVql("LET A=1 LET B=2")).toBe("LET A = 1\n\nLET B = 2\n");
    expect(formatVql("SELECT 1 +")).toBe("SELECT 1 +");
  });

  it("keeps the tree of every conformance query (print -> parse round trip)", () => {
    for (const q of conformanceQueries()) {
      const r = parse(q);
      if (r.diagnostics.some((d) => d.severity === "error")) continue;
      const formatted = printProgram(r);
      expect(tree(formatted), `${q}\n---\n${formatted}`).toEqual(tree(q));
      expect(parse(formatted).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    }
  });

  it("keeps the tree at narrow widths, where everything breaks", () => {
    for (const q of conformanceQueries()) {
      const r = parse(q);
      if (r.diagnostics.some((d) => d.severity === "error")) continue;
      expect(tree(printProgram(r, { width: 10 })), q).toEqual(tree(q));
    }
  });
});
