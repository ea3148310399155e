// patch() and similarity(): expected values from Velociraptor's patch() documentation (the
// client monitoring example), RFC 6902 (JSON Patch), RFC 7386 (JSON Merge Patch, its example)
// and similarity()'s rule (1 minus the share of differing keys).
import { describe, expect, it } from "vitest";
import { collect, rowsOf, valueOf } from "../../eval/testing";

const v = (expr: string) => valueOf(expr);

describe("patch()", () => {
  it("docs example: adds an artifact at the front of the monitoring list", async () => {
    expect(await v(`patch(item=parse_json(data='{"artifacts": ["Generic.Client.Stats"]}'), patch=[dict(op='add', path='/artifacts/0', value='Windows.Events.DNSQueries')])`)).toBe(
      '{"artifacts":["Windows.Events.DNSQueries","Generic.Client.Stats"]}',
    );
  });
  it("RFC 6902 operations: remove, replace, move, copy, append with -, and does not change the item", async () => {
    expect(
      await v(`patch(item=dict(a=1, b=dict(c=2), l=[1, 9]), patch=[dict(op='remove', path='/a'), dict(op='replace', path='/b/c', value=3), dict(op='copy', \`from\`='/b', path='/d'), dict(op='move', \`from\`='/d/c', path='/e'), dict(op='add', path='/l/-', value=2)])`),
    ).toBe('{"b":{"c":3},"l":[1,9,2],"d":{},"e":3}');
    expect(await rowsOf("LET D <= dict(a=1) SELECT patch(item=D, patch=dict(op='add', path='/b', value=2)) AS P, D FROM scope()")).toEqual(['{"P":{"a":1,"b":2},"D":{"a":1}}']);
  });
  it("RFC 7386 example: merge replaces members, null removes them", async () => {
    expect(await v(`patch(item=parse_json(data='{"a":"b","c":{"d":"e","f":"g"}}'), merge=parse_json(data='{"a":"z","c":{"f":null}}'))`)).toBe('{"a":"z","c":{"d":"e"}}');
  });
  it("a failed test op or a missing path logs and gives NULL", async () => {
    const r = await collect("SELECT patch(item=dict(a=1), patch=[dict(op='test', path='/a', value=2)]) AS X, patch(item=dict(a=1), patch=[dict(op='remove', path='/zz')]) AS Y FROM scope()");
    expect(r.rows).toEqual(['{"X":null,"Y":null}']);
    expect(r.logs.join("\n")).toMatch(/patch: test failed at \/a[\s\S]*patch: path \/zz does not exist/);
  });
});

describe("similarity()", () => {
  it("is 1 minus the share of keys whose values differ or that only one dict has", async () => {
    expect(await v("(similarity(set1=dict(a=1, b=2), set2=dict(a=1, b=2)), similarity(set1=dict(a=1, b=2), set2=dict(a=1, b=3, c=4)), similarity(set1=dict(), set2=dict()))")).toBe(
      `[1,${1 - 2 / 3},0]`,
    );
  });
});
