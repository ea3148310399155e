// WQL parsing from its grammar (SELECT <*|props> FROM <Class> [WHERE ...]) and LIKE from its
// wildcard rules (% any run, _ one character, [set], [^set], case-insensitive).
import { describe, expect, it } from "vitest";
import { likeRegex, parseWql, WqlError } from "./wql";

function errorOf(q: string): WqlError {
  try {
    parseWql(q);
  } catch (e) {
    if (e instanceof WqlError) return e;
    throw e;
  }
  throw new Error(`parsed: ${q}`);
}

describe("parseWql()", () => {
  it("SELECT * and a property list, keywords in any case", () => {
    expect(parseWql("SELECT * FROM Win32_LogicalDisk")).toEqual({ properties: undefined, className: "Win32_LogicalDisk", where: undefined });
    expect(parseWql("select Name, DisplayName from win32_service")).toEqual({ properties: ["Name", "DisplayName"], className: "win32_service", where: undefined });
  });

  it("AND binds tighter than OR; NOT, parentheses, IS [NOT] NULL, [NOT] LIKE, <> as !=", () => {
    expect(parseWql("SELECT * FROM C WHERE A = 1 OR B = 'x' AND NOT C <> 2").where).toEqual({
      kind: "or",
      left: { kind: "compare", property: "A", op: "=", value: 1 },
      right: { kind: "and", left: { kind: "compare", property: "B", op: "=", value: "x" }, right: { kind: "not", operand: { kind: "compare", property: "C", op: "!=", value: 2 } } },
    });
    expect(parseWql("SELECT * FROM C WHERE (A = 1 OR B = 2) AND D IS NOT NULL").where).toEqual({
      kind: "and",
      left: { kind: "or", left: { kind: "compare", property: "A", op: "=", value: 1 }, right: { kind: "compare", property: "B", op: "=", value: 2 } },
      right: { kind: "null", property: "D", negated: true },
    });
    expect(parseWql('SELECT * FROM C WHERE Name NOT LIKE "%svc%"').where).toEqual({ kind: "not", operand: { kind: "like", property: "Name", pattern: "%svc%" } });
  });

  it("literals: backslash escapes, negative and hex numbers, TRUE/FALSE/NULL, and literal-first comparisons flipped", () => {
    expect(parseWql("SELECT * FROM C WHERE Path = 'C:\\\\Windows'").where).toEqual({ kind: "compare", property: "Path", op: "=", value: "C:\\Windows" });
    expect(parseWql("SELECT * FROM C WHERE A > -5 AND B = 0x10 AND E = TRUE AND F = NULL").where).toMatchObject({
      left: { left: { left: { value: -5, op: ">" }, right: { value: 16 } }, right: { value: true } },
      right: { value: null },
    });
    expect(parseWql("SELECT * FROM C WHERE 100 < Size").where).toEqual({ kind: "compare", property: "Size", op: ">", value: 100 });
  });

  it("refuses what it does not parse, naming the position", () => {
    // Offsets counted by hand from the query text.
    expect(errorOf("ASSOCIATORS OF {Win32_Service.Name='x'}").position).toBe(0);
    const within = errorOf("SELECT * FROM __InstanceCreationEvent WITHIN 5");
    expect(within.position).toBe(38);
    expect(within.message).toBe("WQL: unexpected `WITHIN` (only SELECT ... FROM ... [WHERE ...] is supported) at position 38");
    expect(errorOf("SELECT * FROM").message).toBe("WQL: expected a class name, found the end of the query at position 13");
    expect(errorOf("SELECT * FROM C WHERE Name = ").position).toBe(29);
    expect(errorOf("SELECT * FROM C WHERE Name ~ 'x'").message).toBe("WQL: unexpected character `~` at position 27");
    expect(errorOf("SELECT * FROM C WHERE Name = 'x").message).toBe("WQL: unterminated string at position 29");
    expect(errorOf("SELECT * FROM C WHERE (A = 1").position).toBe(28);
  });
});

describe("likeRegex()", () => {
  it("follows WQL's wildcards, ignoring case", () => {
    expect(likeRegex("%svc%").test("Dnscache SVC host")).toBe(true);
    expect(likeRegex("a_c").test("abc")).toBe(true);
    expect(likeRegex("a_c").test("abbc")).toBe(false);
    expect(likeRegex("[cd]:").test("D:")).toBe(true);
    expect(likeRegex("[^cd]:").test("C:")).toBe(false);
    expect(likeRegex("[a-f]x").test("ex")).toBe(true);
    expect(likeRegex("1.0").test("1x0")).toBe(false);
  });
});
