// serialize() in each format, from the formats' definitions: JSON with one-space indent, JSON
// Lines, YAML with dict order kept, CSV per RFC 4180 (quote fields with `"` `,` CR LF or a
// leading space, double inner quotes), hex and unpadded base64 of a string's bytes.
import { describe, expect, it } from "vitest";
import { collect } from "../../eval/testing";

/** The decoded value of `serialize(...)` and the query's ERROR lines. */
async function ser(args: string): Promise<{ value: unknown; errors: string[] }> {
  const r = await collect(`SELECT serialize(${args}) AS X FROM scope()`);
  return { value: (JSON.parse(r.rows[0]!) as { X: unknown }).X, errors: r.logs.filter((l) => l.startsWith("ERROR")) };
}
const value = async (args: string) => (await ser(args)).value;

describe("serialize()", () => {
  it("defaults to indented JSON, keeping dict key order (numeric-looking keys included)", async () => {
    expect(await value("item=dict(b=1, a=[1, 'x'])")).toBe('{\n "b": 1,\n "a": [\n  1,\n  "x"\n ]\n}');
    expect(await value("item=dict(`2`=1, a=2, `1`=3), format='json'")).toBe('{\n "2": 1,\n "a": 2,\n "1": 3\n}');
  });

  it("jsonl writes one compact JSON value per line, a query's rows each on one", async () => {
    expect(await value("item={ SELECT _value AS N FROM range(end=3) }, format='jsonl'")).toBe('{"N":0}\n{"N":1}\n{"N":2}\n');
    expect(await value("item=dict(a=1), format='jsonl'")).toBe('{"a":1}\n');
  });

  it("yaml keeps dict order and nests lists and dicts", async () => {
    expect(await value("item=dict(z=1, `10`='ten', l=['a', dict(k=TRUE)]), format='yaml'")).toBe('z: 1\n"10": ten\nl:\n  - a\n  - k: true\n');
  });

  it("csv: a header of every row's keys, RFC 4180 quoting, NULL as an empty field, dicts as JSON", async () => {
    const rows = "item=(dict(A='plain', B='has,comma'), dict(A='say \"hi\"', B='two\nlines', C=NULL), dict(A=' lead', C=dict(x=1)))";
    expect(await value(`${rows}, format='csv'`)).toBe('A,B,C\nplain,"has,comma",\n"say ""hi""","two\nlines",\n" lead",,"{""x"":1}"\n');
    expect(await value("item=dict(a=1, b='x'), format='csv'")).toBe("a,b\n1,x\n");
  });

  it("csv of a scalar is NULL with a reason", async () => {
    expect(await ser("item='text', format='csv'")).toEqual({ value: null, errors: ["ERROR 1:8 VQL3020 serialize: `csv` needs a list of rows or a dict"] });
  });

  it("hex and base64 encode a string's UTF-8 bytes (base64 without padding); other values are NULL", async () => {
    expect(await value("item='hé', format='hex'")).toBe("68c3a9");
    expect(await value("item='hi', format='base64'")).toBe("aGk");
    expect(await value("item='hello', format='base64'")).toBe("aGVsbG8");
    expect(await ser("item=dict(a=1), format='hex'")).toEqual({ value: null, errors: ["ERROR 1:8 VQL3020 serialize: `hex` encodes a string, not a dict"] });
  });

  it("an unknown format is NULL and names the formats", async () => {
    expect(await ser("item=1, format='xml'")).toEqual({ value: null, errors: ["ERROR 1:8 VQL3020 serialize: unknown format `xml`; expected json, jsonl, yaml, csv, hex, base64, string"] });
  });
});

describe("serialize() lifecycle", () => {
  it("expanding an endless query stops within 100 ms of an abort, and the query's producer finishes", async () => {
    const { runVql } = await import("../../eval/run");
    const { createRegistry, portableBuiltins } = await import("../registry");
    const { lifecycleTracker, leftOpen, openResources } = await import("../../testdata/lifecycle");
    const { finished, tracked } = lifecycleTracker();
    const registry = createRegistry([...portableBuiltins.filter((b) => b.name !== "clock"), ...portableBuiltins.filter((b) => b.name === "clock").map(tracked)]);
    const before = openResources();
    const ac = new AbortController();
    let abortedAt = 0;
    setTimeout(() => {
      abortedAt = performance.now();
      ac.abort();
    }, 30);
    const kinds: string[] = [];
    for await (const e of runVql("SELECT serialize(item={ SELECT * FROM clock(ms=1) }, format='jsonl') AS X FROM scope()", { registry, signal: ac.signal })) kinds.push(e.kind);
    expect(abortedAt).toBeGreaterThan(0);
    expect(performance.now() - abortedAt).toBeLessThan(100);
    expect(kinds).not.toContain("row");
    expect(finished.has("clock")).toBe(true);
    expect(await leftOpen(before)).toEqual({});
  });
});
