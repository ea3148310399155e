import { describe, expect, it } from "vitest";
import { add, divide, multiply, negate, subtract } from "./arithmetic";
import { Bytes, byteLength, fromBytes } from "./bytes";
import { equals } from "./equality";
import { greaterThan, lessThan } from "./ordering";
import { isMember } from "./membership";
import { getIndex, getMember, getSlice, MISSING } from "./access";
import { OrderedDict } from "./ordered-dict";
import { isTruthy } from "./truthy";
import { toJsonText } from "./json";
import { toVqlString } from "./stringify";
import { Timestamp } from "./timestamp";
import { parseDateString } from "./time-parse";
import { formatFixed, formatFloatShortest, formatExponent, formatGeneral } from "./go-number";

const d = (o: Record<string, unknown>) => OrderedDict.fromObject(o);

describe("OrderedDict", () => {
  it("keeps insertion order for integer-like keys and renders JSON in that order", () => {
    const x = new OrderedDict([["b", 1], ["2", 2], ["1", 3]]);
    expect(x.keys()).toEqual(["b", "2", "1"]);
    expect(toJsonText(x)).toBe('{"b":1,"2":2,"1":3}');
  });
  it("set() moves an existing key to the end; replace() keeps its place", () => {
    const x = d({ a: 1, b: 2, c: 3 });
    x.set("a", 9);
    expect(x.keys()).toEqual(["b", "c", "a"]);
    x.replace("b", 7);
    expect([...x.entries()]).toEqual([["b", 7], ["c", 3], ["a", 9]]);
  });
  it("looks keys up through an index when large and copies shared keys on write", () => {
    const keys = Array.from({ length: 20 }, (_, i) => "k" + i);
    const a = OrderedDict.fromShared(keys, keys.map((_, i) => i));
    const b = OrderedDict.fromShared(keys, keys.map((_, i) => i * 2));
    expect(a.get("k15")).toBe(15);
    b.set("new", 1);
    expect(a.has("new")).toBe(false);
    expect(keys.length).toBe(20);
    expect(b.get("k19")).toBe(38);
  });
});

describe("truthiness (§6.1)", () => {
  it.each([
    [null, false], [true, true], [false, false], [0, false], [1, true], [-1, false], [2.5, true],
    [-0.5, false], ["", false], ["x", true], [[], false], [[0], true],
  ] as [unknown, boolean][])("%j is %s", (v, t) => expect(isTruthy(v)).toBe(t));
  it("empty dicts are false, timestamps after 1970 are true", () => {
    expect(isTruthy(new OrderedDict())).toBe(false);
    expect(isTruthy(d({ a: 0 }))).toBe(true);
    expect(isTruthy(new Timestamp(0))).toBe(false);
    expect(isTruthy(new Timestamp(10))).toBe(true);
  });
});

describe("arithmetic (§6.2)", () => {
  it("follows the reference table", () => {
    expect(add(1, 2.5)).toBe(3.5);
    expect(add("a", "b")).toBe("ab");
    expect(add(1, "2")).toBe(null);
    expect(add(true, 1)).toBe(null);
    expect(add(1, true)).toBe(null);
    expect(subtract(true, 1)).toBe(0);
    expect(multiply(2, true)).toBe(2);
    expect(multiply("ab", 3)).toBe("ababab");
    expect(multiply(3, "ab")).toBe(null);
    expect(divide(10, 0)).toBe(null);
    expect(divide(0, 5)).toBe(0);
    expect(divide(1, 4)).toBe(0.25);
    expect(add(null, 1)).toBe(null);
    expect(add([1, 2], null)).toEqual([1, 2, null]);
    expect(add(null, [1])).toBe(null);
    expect(add(0, [1])).toEqual([0, 1]);
    expect(add([1], [2, 3])).toEqual([1, 2, 3]);
    expect(negate(true)).toBe(false);
    expect(negate(3)).toBe(-3);
    expect(negate("x")).toBe(null);
  });
  it("merges, subtracts and intersects dicts (Velociraptor)", () => {
    expect(toJsonText(add(d({ a: 1, b: 2 }), d({ b: 3, c: 4 })))).toBe('{"a":1,"b":3,"c":4}');
    expect(toJsonText(subtract(d({ a: 1, b: 2 }), d({ b: 3 })))).toBe('{"a":1}');
    expect(toJsonText(multiply(d({ a: 1, b: 2 }), d({ b: 3 })))).toBe('{"b":2}');
  });
  it("wraps int64 overflow", () => {
    expect(multiply(2 ** 62, 4)).toBe(0);
    expect(multiply(65535, 65535 * 65535)).toBe(281462092005375);
  });
});

describe("equality and ordering (§6.3, §6.4)", () => {
  it("equality", () => {
    expect(equals(null, null)).toBe(true);
    expect(equals(null, 0)).toBe(false);
    expect(equals(1, 1.0)).toBe(true);
    expect(equals(1, true)).toBe(true);
    expect(equals("a", "A")).toBe(false);
    expect(equals("1", 1)).toBe(false);
    expect(equals(false, "no")).toBe(true);
    expect(equals(true, "Y")).toBe(true);
    expect(equals("Y", true)).toBe(false);
    expect(equals([1, 2], [1.0, 2.0])).toBe(true);
    expect(equals(d({ X: 1, Y: 2 }), d({ Y: 2, X: 1 }))).toBe(true);
    expect(equals(new Timestamp(100), 100)).toBe(true);
  });
  it("ordering quirks", () => {
    expect(lessThan("abc", 5)).toBe(true);
    expect(greaterThan("abc", 5)).toBe(true);
    expect(lessThan(5, "abc")).toBe(false);
    expect(greaterThan(true, 0)).toBe(false);
    expect(lessThan(true, 2)).toBe(true);
    expect(lessThan(false, true)).toBe(true);
    expect(lessThan("B", "a")).toBe(true);
    expect(lessThan(null, 1)).toBe(false);
    expect(lessThan(d({ a: 1 }), d({ a: 1, b: 2 }))).toBe(true);
    expect(greaterThan(d({ a: 1, b: 2 }), d({ a: 1 }))).toBe(false);
    expect(lessThan([], [1])).toBe(true);
    expect(lessThan(new Timestamp(1723428985), "2025-01-01")).toBe(true);
    expect(greaterThan(new Timestamp(1723428985), 1118628985)).toBe(true);
  });
  it("membership", () => {
    expect(isMember(2, [1, 2])).toBe(true);
    expect(isMember(1, [1.0])).toBe(true);
    expect(isMember(null, [1, null])).toBe(true);
    expect(isMember("he", "hello")).toBe(true);
    expect(isMember("Name", d({ Name: 1 }))).toBe(true);
    expect(isMember("name", d({ Name: 1 }))).toBe(false);
    expect(isMember(1, null)).toBe(false);
  });
});

describe("member access, indexing, slicing (§6.8)", () => {
  it("dicts, pseudo members, arrays and timestamps", () => {
    const x = d({ a: 1, b: 2 });
    expect(getMember(x, "a")).toBe(1);
    expect(getMember(x, "A")).toBe(MISSING);
    expect(getMember(x, "@Keys")).toEqual(["a", "b"]);
    expect(getMember(x, "@Len")).toBe(2);
    expect(getMember([d({ a: 1 }), d({ b: 2 }), d({ a: 3 })], "a")).toEqual([1, 3]);
    expect(getMember(new Timestamp(1723428985), "Year")).toBe(2024);
  });
  it("wraps list indexes and indexes strings by byte", () => {
    expect(getIndex([10, 20, 30], 3)).toBe(10);
    expect(getIndex([10, 20, 30], -4)).toBe(30);
    expect(getIndex([], 0)).toBe(null);
    expect(getIndex("Hello", 1)).toBe(101);
    expect(getIndex("Hello", -1)).toBe(111);
    expect(getIndex("Hello", 9)).toBe(null);
    expect(getIndex("héllo", 2)).toBe(0xa9);
  });
  it("slices like Python with clamping", () => {
    expect(getSlice("Hello", undefined, 3)).toBe("Hel");
    expect(getSlice("Hello", 2, 300)).toBe("llo");
    expect(getSlice("Hello", -3, undefined)).toBe("llo");
    expect(getSlice("Hello", 5, 2)).toBe("");
    expect(getSlice([1, 2, 3, 4], -2, undefined)).toEqual([3, 4]);
    expect(getSlice([1, 2], 1.5, undefined)).toBe(null);
    const bin = fromBytes(new Uint8Array([0, 0xff, 0xfe, 0xfc, 0xd0, 1]));
    expect(bin).toBeInstanceOf(Bytes);
    expect(getIndex(bin, 1)).toBe(255);
    expect(getSlice(bin, 2, 5)).toBeInstanceOf(Bytes);
  });
});

describe("text forms", () => {
  it("%v strings", () => {
    expect(toVqlString(null)).toBe("Null");
    expect(toVqlString([1, 2])).toBe("[1 2]");
    expect(toVqlString(d({ a: 1 }))).toBe('{"a":1}');
    expect(toVqlString(1.5)).toBe("1.5");
    expect(toVqlString(1234567.5)).toBe("1.2345675e+06");
    expect(toVqlString(0.00001)).toBe("1e-05");
    expect(toVqlString(true)).toBe("true");
  });
  it("byte lengths count UTF-8", () => {
    expect(byteLength("héllo")).toBe(6);
  });
  it("Go float formatting rounds exact ties to even", () => {
    expect(formatFixed(0.125, 2)).toBe("0.12");
    expect(formatFixed(0.375, 2)).toBe("0.38");
    expect(formatFixed(122.5, 0)).toBe("122");
    expect(formatFixed(123.5, 0)).toBe("124");
    expect(formatFixed(3.14159, 2)).toBe("3.14");
    expect(formatFixed(-1.5, 0)).toBe("-2");
    expect(formatExponent(1, 6)).toBe("1.000000e+00");
    expect(formatExponent(12345, 2)).toBe("1.23e+04");
    expect(formatGeneral(0.0001234, 3)).toBe("0.000123");
    expect(formatGeneral(1234567, 3)).toBe("1.23e+06");
    expect(formatFloatShortest(1e21)).toBe("1e+21");
  });
  it("timestamps render as RFC3339 with the shortest fraction", () => {
    expect(new Timestamp(1723428985.5).toString()).toBe("2024-08-12T02:16:25.5Z");
    expect(new Timestamp(1723428985).toString()).toBe("2024-08-12T02:16:25Z");
  });
  it("parses common date strings as UTC", () => {
    expect(parseDateString("2024-08-12T02:16:25Z")?.sec).toBe(1723428985);
    expect(parseDateString("2024-08-12 02:16:25")?.sec).toBe(1723428985);
    expect(parseDateString("2024-08-12T04:16:25+02:00")?.sec).toBe(1723428985);
    expect(parseDateString("Mon, 12 Aug 2024 02:16:25 GMT")?.sec).toBe(1723428985);
    expect(parseDateString("2025-01-01")?.sec).toBe(1735689600);
    expect(parseDateString("hello world")).toBe(null);
  });
  it("parses years below 100 as written (Go's zero time 0001-01-01 round-trips)", () => {
    expect(parseDateString("0001-01-01T00:00:00Z")?.sec).toBe(-62135596800);
    expect(parseDateString("0001-01-01T00:00:00Z")?.isZero()).toBe(true);
    expect(parseDateString("0099-12-31 23:59:59")?.toString()).toBe("0099-12-31T23:59:59Z");
  });
});
