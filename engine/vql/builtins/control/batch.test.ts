// batch(), dedup() and sample(): expected rows from Velociraptor's reference docs (vql.yaml)
// and its plugins' rules (vql/common/batch.go, dedup.go, sampler.go).
import { describe, expect, it } from "vitest";
import { rowsOf } from "../../eval/testing";
import { runVql } from "../../eval/run";
import { createRegistry, portableBuiltins } from "../registry";
import { leftOpen, openResources } from "@/engine/vql/testdata/lifecycle";

const values = (n: number[]) => JSON.stringify({ rows: n.map((x) => ({ _value: x })) });

describe("batch()", () => {
  it("docs example: range(0..10) in batches of 3 gives 4 rows, the last with the rest", async () => {
    expect(await rowsOf("SELECT * FROM batch(query={ SELECT _value FROM range(start=0, end=10, step=1) }, batch_size=3)")).toEqual([
      values([0, 1, 2]),
      values([3, 4, 5]),
      values([6, 7, 8]),
      values([9]),
    ]);
  });
  it("defaults to batches of 10, and batch_func decides when a batch is ready", async () => {
    expect((await rowsOf("SELECT * FROM batch(query={ SELECT _value FROM range(end=25) })")).map((r) => JSON.parse(r).rows.length)).toEqual([10, 10, 5]);
    expect(await rowsOf("SELECT * FROM batch(query={ SELECT _value FROM range(end=5) }, batch_func='x => len(list=x) >= 2')")).toEqual([values([0, 1]), values([2, 3]), values([4])]);
  });
  it("flushes an incomplete batch after `timeout` seconds while the query is still running", async () => {
    const rows = await rowsOf("SELECT * FROM batch(query={ SELECT _value FROM range(end=2) WHERE _value = 0 OR sleep(time=0.3) }, batch_size=10, timeout=0.05)");
    expect(rows).toEqual([values([0]), values([1])]);
  });
  it("leaves no timer behind when the consumer stops after a batch (its flush timer is cleared)", async () => {
    const before = openResources();
    const registry = createRegistry(portableBuiltins);
    for await (const e of runVql("SELECT * FROM batch(query={ SELECT * FROM clock(ms=5) }, batch_size=2, timeout=3600)", { registry })) if (e.kind === "row") break;
    expect(await leftOpen(before)).toEqual({});
  });
});

describe("dedup()", () => {
  it("suppresses rows whose key column was already passed on; rows without the column are dropped", async () => {
    expect(await rowsOf("SELECT * FROM dedup(query={ SELECT * FROM parse_json_array(data='[{\"K\":1,\"N\":1},{\"K\":2,\"N\":2},{\"K\":1,\"N\":3},{\"N\":4}]') }, key='K')")).toEqual([
      '{"K":1,"N":1}',
      '{"K":2,"N":2}',
    ]);
  });
  it("forgets keys beyond `size` (the oldest first) and after `timeout` seconds", async () => {
    expect(await rowsOf("SELECT _value FROM dedup(query={ SELECT * FROM parse_json_array(data='[1,2,1,3,1]') }, key='_value', size=1)")).toEqual([
      '{"_value":1}',
      '{"_value":2}',
      '{"_value":1}',
      '{"_value":3}',
      '{"_value":1}',
    ]);
    let t = 0;
    const clock = () => (t += 40_000);
    expect(await rowsOf("SELECT _value FROM dedup(query={ SELECT * FROM parse_json_array(data='[1,1,1]') }, key='_value', timeout=60)", { clock })).toEqual(['{"_value":1}', '{"_value":1}']);
  });
});

describe("sample()", () => {
  it("passes every n'th row, starting with the first", async () => {
    expect(await rowsOf("SELECT _value FROM sample(query={ SELECT _value FROM range(end=10) }, n=3)")).toEqual(['{"_value":0}', '{"_value":3}', '{"_value":6}', '{"_value":9}']);
    expect((await rowsOf("SELECT _value FROM sample(query={ SELECT _value FROM range(end=3) }, n=0)")).length).toBe(3);
  });
});
