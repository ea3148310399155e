import { describe, expect, it } from "vitest";
import { Bytes } from "./bytes";
import { OrderedDict } from "./ordered-dict";
import { QueryValue } from "./query";
import { Timestamp } from "./timestamp";
import { fromWire, rowsFromWire, rowsToWire, toWire } from "./transfer";

/** What a MessagePort does to a message. */
const clone = <T>(v: T): T => structuredClone(v);

describe("toWire()/fromWire() across structured clone", () => {
  it("rebuilds OrderedDicts (key order kept, integer-looking keys too), Timestamps, Bytes, Dates, Maps and nested lists", () => {
    const d = new OrderedDict([["2", 1], ["1", new Timestamp(1700000000, 5)], ["b", new Bytes(new Uint8Array([0, 255]))]]);
    const v = { list: [d, null, "x", 3n], at: new Date(5), m: new Map([["k", [1]]]) };
    const back = fromWire(clone(toWire(v))) as typeof v;
    const bd = back.list[0] as OrderedDict;
    expect(bd).toBeInstanceOf(OrderedDict);
    expect([...bd.keys()]).toEqual(["2", "1", "b"]);
    expect(bd.get("1")).toEqual(new Timestamp(1700000000, 5));
    expect(bd.get("1")).toBeInstanceOf(Timestamp);
    expect(bd.get("b")).toBeInstanceOf(Bytes);
    expect([...(bd.get("b") as Bytes).bytes]).toEqual([0, 255]);
    expect(back.list.slice(1)).toEqual([null, "x", 3n]);
    expect(back.at).toEqual(new Date(5));
    expect(back.m.get("k")).toEqual([1]);
  });

  it("stored queries and functions become NULL, as in JSON", () => {
    const q = Object.create(QueryValue.prototype) as QueryValue;
    expect(fromWire(clone(toWire({ q, f: () => 1 })))).toEqual({ q: null, f: null });
  });

  it("a batch of rows sends each keys array once and the rows share it again", () => {
    const keys = ["a", "b"];
    const rows = [OrderedDict.fromShared(keys, [1, "x"]), OrderedDict.fromShared(keys, [2, "y"]), { c: true }];
    const w = clone(rowsToWire(rows));
    expect(w.keys).toEqual([["a", "b"], ["c"]]);
    const back = rowsFromWire(w);
    expect(back.map((r) => Object.fromEntries(r.entries()))).toEqual([{ a: 1, b: "x" }, { a: 2, b: "y" }, { c: true }]);
    expect(back[0]!.keys()).toBe(back[1]!.keys());
    // Copy-on-write: changing one row leaves the other alone.
    back[0]!.set("z", 1);
    expect([...back[1]!.keys()]).toEqual(["a", "b"]);
  });
});
