import { describe, expect, it } from "vitest";
import { OrderedDict } from "../vql/values/ordered-dict";
import { Timestamp } from "../vql/values/timestamp";
import { coerceParameter, parseCsvRows } from ".";
import { parseCsvRecords } from "./csv";

const p = (type: string) => ({ name: "P", type });
const value = (type: string, v: unknown) => {
  const c = coerceParameter(p(type), v);
  if (!c.ok) throw new Error(`${c.expected}: ${c.reason}`);
  return c.value;
};

describe("coerceParameter()", () => {
  it("keeps text types as strings", () => {
    for (const t of ["", "string", "regex", "yara", "hidden", "choices", "glob"]) expect(value(t, "a.*b")).toBe("a.*b");
  });

  it("converts int types from their string form, empty to 0 (Velociraptor's int()), and refuses words", () => {
    expect(value("int", "42")).toBe(42);
    expect(value("int64", "-7")).toBe(-7);
    expect(value("integer", "0x10")).toBe(16);
    expect(value("int", " ")).toBe(0);
    expect(value("int", "")).toBe(0);
    const c = coerceParameter(p("int"), "many");
    expect(c).toEqual({ ok: false, expected: "an integer", reason: "`many` is not a number" });
  });

  it("reads bools the way Velociraptor does: the whole value Y, YES, TRUE or OK, in any case", () => {
    for (const s of ["Y", "yes", "TRUE", "ok", "True"]) expect(value("bool", s)).toBe(true);
    // '^(Y|TRUE|YES|OK)$' is anchored: padding, 1 and other words are false.
    for (const s of ["", "N", "false", "0", "1", "maybe", " true ", "YESS"]) expect(value("bool", s)).toBe(false);
  });

  it("turns timestamps from dates and epoch numbers into Timestamp values", () => {
    const d = value("timestamp", "2024-03-01T10:00:00Z") as Timestamp;
    expect(d).toBeInstanceOf(Timestamp);
    expect(d.toDate().toISOString()).toBe("2024-03-01T10:00:00.000Z");
    expect((value("timestamp", "1700000000") as Timestamp).epochSeconds).toBe(1700000000);
    expect((value("timestamp", "1700000000000") as Timestamp).epochSeconds).toBe(1700000000);
    // Unset: Go's zero time, 0001-01-01T00:00:00Z.
    expect((value("timestamp", "") as Timestamp).toString()).toBe("0001-01-01T00:00:00Z");
    expect((value("timestamp", "") as Timestamp).isZero()).toBe(true);
    const bad = coerceParameter(p("timestamp"), "someday");
    expect(bad).toEqual({ ok: true, value: null, warning: "a timestamp expected: `someday` is not a date or an epoch number" });
  });

  it("parses csv and artifactset text into rows", () => {
    const rows = value("csv", "Glob,Depth\n/etc/*,1\n\"/a,b\",2\n") as OrderedDict[];
    expect(rows.map((r) => [...r.entries()])).toEqual([
      [["Glob", "/etc/*"], ["Depth", "1"]],
      [["Glob", "/a,b"], ["Depth", "2"]],
    ]);
    expect(value("artifactset", "Artifact\nLinux.Sys.Pslist\n")).toHaveLength(1);
  });

  it("parses json, json arrays and yaml; bad JSON or a non-array json_array is NULL with a warning", () => {
    const d = value("json", '{"b":1,"a":[2]}') as OrderedDict;
    expect([...d.keys()]).toEqual(["b", "a"]);
    expect(value("json_array", '["x","y"]')).toEqual(["x", "y"]);
    expect(value("json_array", "")).toEqual([]);
    const notArray = coerceParameter(p("json_array"), '{"a":1}');
    expect(notArray.ok && notArray.value === null && notArray.warning).toBe("a JSON array expected: `{\"a\":1}` is not an array");
    const broken = coerceParameter(p("json"), "{nope");
    expect(broken.ok && broken.value).toBeNull();
    expect(broken.ok && broken.warning).toMatch(/^JSON expected: /);
    expect(value("yaml", "a: 1\n")).toBeInstanceOf(OrderedDict);
  });

  it("keeps values that already have the declared type (calls from VQL)", () => {
    expect(value("int", 7)).toBe(7);
    expect(value("int", 7.9)).toBe(7);
    expect(value("bool", 1)).toBe(true);
    const ts = new Timestamp(5);
    expect(value("timestamp", ts)).toBe(ts);
    expect((value("timestamp", 10) as Timestamp).epochSeconds).toBe(10);
    expect(value("csv", [{ a: 1 }])).toEqual([{ a: 1 }]);
    expect(value("string", 3)).toBe("3");
    expect(coerceParameter(p("int"), "x".repeat(2) as unknown as object).ok).toBe(false);
  });

  it("gives typed empties for NULL", () => {
    expect(value("string", null)).toBe("");
    expect(value("bool", undefined)).toBe(false);
    expect(value("csv", null)).toEqual([]);
    expect(value("int", null)).toBe(0);
    expect((value("timestamp", null) as Timestamp).isZero()).toBe(true);
  });
});

describe("parseCsvRecords()", () => {
  it("handles quotes, doubled quotes, CRLF, line breaks in quotes and blank lines", () => {
    expect(parseCsvRecords('a,b\r\n"x ""y""","1\n2"\n\nlast,\n')).toEqual([
      ["a", "b"],
      ['x "y"', "1\n2"],
      ["last", ""],
    ]);
  });

  it("fills short records with empty strings", () => {
    expect(parseCsvRows("A,B\n1\n").map((r) => [...r.values()])).toEqual([["1", ""]]);
  });
});
