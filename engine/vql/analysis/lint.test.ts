import { describe, expect, it } from "vitest";
import { parse } from "../parser/parse";
import type { DescriptorLike } from "./descriptors";
import { lint } from "./lint";
import { editDistance, nearest } from "./suggest";

/** Hand-made descriptors (the real ones come from describeBuiltins()). */
const fixtures: DescriptorLike[] = [
  { name: "range", kind: "plugin", args: [{ name: "start", required: false }, { name: "end", required: true }, { name: "step", required: false }] },
  { name: "glob", kind: "plugin", args: [{ name: "globs", required: true }, { name: "accessor", required: false }] },
  { name: "foreach", kind: "plugin", args: [{ name: "row", required: true }, { name: "query", required: false }] },
  { name: "format", kind: "function", args: [{ name: "format", required: true }, { name: "args", required: false }] },
  { name: "upcase", kind: "function", args: [{ name: "string", required: true }] },
  { name: "dict", kind: "function", args: [], freeArgs: { type: "any", doc: "members" } },
  { name: "count", kind: "function", args: [{ name: "items", required: false }] },
  { name: "scope", kind: "plugin", args: [] },
];

const codes = (text: string) => lint(parse(text), fixtures).map((d) => `${d.code} ${d.message}`);

describe("lint()", () => {
  it("accepts correct calls, LET-defined names, free-form builtins and dotted artifact calls", () => {
    expect(
      codes(`LET F(x) = x + 1
LET Q = SELECT * FROM range(end=3)
SELECT F(x=1), format(format='%v', args=1), dict(anything=1), count() FROM Q
SELECT * FROM Artifact.Windows.Sys.Users(anything=1)
SELECT * FROM foreach(row={ SELECT * FROM Q() }, query={ SELECT * FROM glob(globs='/x') })`),
    ).toEqual([]);
  });

  it("warns when AND and OR are mixed without parentheses, at the OR", () => {
    const r = parse("SELECT * FROM range(end=3) WHERE a AND b OR c");
    const d = lint(r, fixtures);
    expect(d.map((x) => x.code)).toEqual(["VQL2005"]);
    expect(d[0]!.message).toBe("`OR` binds tighter than `AND` in VQL; add parentheses to make the grouping explicit");
    expect("SELECT * FROM range(end=3) WHERE a AND b OR c".slice(d[0]!.span.start, d[0]!.span.end)).toBe("b OR c");
    expect(codes("SELECT * FROM range(end=3) WHERE a AND (b OR c)")).toEqual([]);
    expect(codes("SELECT * FROM range(end=3) WHERE (a AND b) OR c")).toEqual([]);
  });

  it("names the nearest known function or plugin for an unknown one", () => {
    expect(codes("SELECT upcse(string='x') FROM scope()")).toEqual(["VQL2001 unknown function `upcse`; did you mean `upcase`?"]);
    expect(codes("SELECT * FROM rnage(end=3)")).toEqual(["VQL2002 unknown plugin `rnage`; did you mean `range`?"]);
    expect(codes("SELECT zzzz() FROM scope()")).toEqual(["VQL2001 unknown function `zzzz`"]);
  });

  it("tells a function used as a plugin from a plugin used as a function", () => {
    expect(codes("SELECT * FROM format(format='x')")).toEqual(["VQL2006 `format` is a function, not a plugin"]);
    expect(codes("SELECT glob(globs='x') FROM scope()")).toEqual(["VQL2007 `glob` is a plugin, not a function; use it in `FROM`"]);
  });

  it("reports unknown arguments at the argument with the nearest declared name", () => {
    const text = "SELECT * FROM range(start=1, stop=3, end=4)";
    const d = lint(parse(text), fixtures);
    expect(d.map((x) => x.message)).toEqual(["unexpected argument `stop` to `range()`; did you mean `step`?"]);
    expect(text.slice(d[0]!.span.start, d[0]!.span.end)).toBe("stop");
  });

  it("reports a missing required argument at the call", () => {
    const text = "SELECT * FROM range(start=1)";
    const d = lint(parse(text), fixtures);
    expect(d.map((x) => x.message)).toEqual(["`range()` needs argument `end`"]);
    expect(text.slice(d[0]!.span.start, d[0]!.span.end)).toBe("range(start=1)");
  });

  it("skips argument checks when arguments are unpacked with **", () => {
    expect(codes("SELECT format(`**`=args) FROM scope()")).toEqual([]);
  });

  it("treats names given in options as known", () => {
    expect(lint(parse("SELECT * FROM MyParam()"), fixtures, { knownNames: ["MyParam"] })).toEqual([]);
  });
});

describe("suggestions", () => {
  it("measures case-insensitive edit distance", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("rnage", "range")).toBe(1);
    expect(editDistance("Upcase", "upcase")).toBe(0);
  });

  it("suggests only close names", () => {
    expect(nearest("rnage", ["range", "glob"])).toBe("range");
    expect(nearest("xyz", ["range", "glob"])).toBeUndefined();
  });
});
