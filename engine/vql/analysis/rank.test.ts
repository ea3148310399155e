import { describe, expect, it } from "vitest";
import { matchKind, rankCompletions } from "./rank";

describe("matchKind()", () => {
  it("tells exact, prefix, part-prefix, in-order and typo matches apart, case-insensitively", () => {
    expect(matchKind("pslist", "pslist")).toBe("exact");
    expect(matchKind("PSL", "pslist")).toBe("prefix");
    expect(matchKind("lines", "parse_lines")).toBe("part-prefix");
    expect(matchKind("pslis", "parse_lines")).toBe("subsequence");
    // "plsi" is "psli" with two letters swapped: one edit.
    expect(matchKind("plsi", "pslist")).toBe("typo");
    expect(matchKind("pslis", "range")).toBeUndefined();
  });
});

describe("rankCompletions()", () => {
  const plugins = [{ name: "parse_lines" }, { name: "plist" }, { name: "pslist", elsewhere: true }, { name: "info", elsewhere: true }, { name: "if" }, { name: "range" }];

  it("ranks the prefix match first even when it runs elsewhere", () => {
    const names = rankCompletions("pslis", plugins).map((c) => c.name);
    expect(names[0]).toBe("pslist");
    expect(names).toEqual(["pslist", "parse_lines"]);
  });

  it("lists what runs here before what runs elsewhere for the same kind of match", () => {
    expect(rankCompletions("", plugins).map((c) => c.name)).toEqual(["if", "parse_lines", "plist", "range", "info", "pslist"]);
    expect(rankCompletions("i", plugins).map((c) => c.name)).toEqual(["if", "info"]);
  });

  it("orders by group, then shorter names, among equal matches", () => {
    const items = [{ name: "SELECT", group: 3 }, { name: "split", group: 2 }, { name: "s", group: 0 }, { name: "sequence", group: 2 }];
    expect(rankCompletions("s", items).map((c) => c.name)).toEqual(["s", "split", "sequence", "SELECT"]);
  });
});
