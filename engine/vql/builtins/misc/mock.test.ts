// mock(), mock_check(), mock_replay(), mock_clear(): expected values from Velociraptor's
// vql/remapping/mocker.go semantics (results shaping, cycling calls, the check messages).
import { describe, expect, it } from "vitest";
import { collect, rowsOf } from "../../eval/testing";
import { definePlugin, defineFunction } from "../define";
import { arg } from "../arg";
import type { PluginLike } from "../types";

describe("mock(plugin=...)", () => {
  it("a list of dicts: every call gives all of them as rows", async () => {
    const rows = await rowsOf(`
      LET _ <= mock(plugin='info', results=[dict(OS='windows', N=1), dict(OS='linux', N=2)])
      SELECT OS, N FROM info()
      SELECT OS FROM info()`);
    expect(rows).toEqual(['{"OS":"windows","N":1}', '{"OS":"linux","N":2}', '{"OS":"windows"}', '{"OS":"linux"}']);
  });

  it("a list of lists: one list per call, cycling", async () => {
    const rows = await rowsOf(`
      LET _ <= mock(plugin='pslist', results=[[dict(Pid=1)], [dict(Pid=2), dict(Pid=3)]])
      SELECT * FROM foreach(row={ SELECT _value AS Call FROM range(end=3) }, query={ SELECT Call, Pid FROM pslist() })`);
    // Calls 0, 1, 2 take results[0], [1], [0].
    expect(rows).toEqual(['{"Call":0,"Pid":1}', '{"Call":1,"Pid":2}', '{"Call":1,"Pid":3}', '{"Call":2,"Pid":1}']);
  });

  it("a single dict is one row per call; a stored query is expanded", async () => {
    expect(await rowsOf(`LET _ <= mock(plugin='info', results=dict(A=1)) SELECT * FROM info()`)).toEqual(['{"A":1}']);
    expect(await rowsOf(`LET Q = SELECT _value AS V FROM range(end=2) LET _ <= mock(plugin='info', results=Q) SELECT * FROM info()`)).toEqual([
      '{"V":0}',
      '{"V":1}',
    ]);
  });

  it("replaces a registry plugin for the rest of the run, in nested query() text too, and not in other runs", async () => {
    const real = definePlugin({ name: "realthing", doc: "", category: "test", args: {}, *run() { yield { Real: true }; } });
    const extra = [real];
    expect(await rowsOf(`SELECT * FROM realthing()`, { extra })).toEqual(['{"Real":true}']);
    const rows = await rowsOf(
      `LET _ <= mock(plugin='realthing', results=[dict(Real=false)])
       SELECT * FROM realthing()
       SELECT * FROM query(query="SELECT * FROM realthing()")`,
      { extra },
    );
    expect(rows).toEqual(['{"Real":false}', '{"Real":false}']);
    expect(await rowsOf(`SELECT * FROM realthing()`, { extra })).toEqual(['{"Real":true}']);
  });

  it("empty or NULL results log and mock nothing", async () => {
    const r = await collect(`SELECT mock(plugin='info', results=[]) AS M FROM scope() SELECT * FROM info()`);
    expect(r.rows[0]).toBe('{"M":null}');
    expect(r.logs.some((l) => l.includes("mock: results should be a list"))).toBe(true);
    // info is still not a plugin of the portable registry.
    expect(r.logs.some((l) => l.includes("VQL3007"))).toBe(true);
  });

  it("without plugin, function or artifact: logs", async () => {
    const r = await collect(`SELECT mock(results=[1]) FROM scope()`);
    expect(r.logs.some((l) => l.includes("mock: either plugin or artifact should be specified"))).toBe(true);
  });
});

describe("mock(function=...)", () => {
  it("a list of lists: successive calls return successive items, cycling", async () => {
    const rows = await rowsOf(`
      LET _ <= mock(function='host', results=[['a'], ['b']])
      SELECT host(name='x') AS H FROM range(end=3)`);
    expect(rows).toEqual(['{"H":["a"]}', '{"H":["b"]}', '{"H":["a"]}']);
  });

  it("a flat list is the value of every call; a scalar is returned as is", async () => {
    expect(await rowsOf(`LET _ <= mock(function='upcase', results=[1, 2]) SELECT upcase(string='a') AS U FROM range(end=2)`)).toEqual([
      '{"U":[1,2]}',
      '{"U":[1,2]}',
    ]);
    expect(await rowsOf(`LET _ <= mock(function='upcase', results='Z') SELECT upcase(string='a') AS U FROM scope()`)).toEqual(['{"U":"Z"}']);
  });

  it("replaces a function in a subquery (a one-column row is its value), a lambda and in a LET defined before the mock", async () => {
    const rows = await rowsOf(`
      LET F = upcase(string='a')
      LET _ <= mock(function='upcase', results='mocked')
      SELECT F, { SELECT upcase(string='b') AS U FROM scope() } AS E, filter(list=['x', 'y'], condition="v => upcase(string=v) = 'mocked'") AS L FROM scope()`);
    expect(rows).toEqual(['{"F":"mocked","E":"mocked","L":["x","y"]}']);
  });
});

describe("mock(artifact=...)", () => {
  const artifact = definePlugin({ name: "Artifact.Test.Thing", doc: "", category: "artifact", args: {}, *run() { yield { Real: 1 }; } });
  const resolvePlugin = (n: string): PluginLike | undefined => (n === "Artifact.Test.Thing" ? artifact : undefined);

  it("Artifact.X as a value is the artifact; calls then give the mock's rows", async () => {
    const rows = await rowsOf(
      `SELECT * FROM Artifact.Test.Thing()
       LET _ <= mock(artifact=Artifact.Test.Thing, results=[dict(Mocked=1), dict(Mocked=2)])
       SELECT * FROM Artifact.Test.Thing()
       SELECT Artifact.Test.Thing() AS Rows FROM scope()`,
      { resolvePlugin },
    );
    expect(rows).toEqual(['{"Real":1}', '{"Mocked":1}', '{"Mocked":2}', '{"Rows":[{"Mocked":1},{"Mocked":2}]}']);
  });

  it("a value that is not an artifact logs", async () => {
    const r = await collect(`SELECT mock(artifact=3, results=[dict(A=1)]) FROM scope()`);
    expect(r.logs.some((l) => l.includes("mock: artifact parameter should be an artifact not number"))).toBe(true);
  });
});

describe("mock_check / mock_replay / mock_clear", () => {
  it("mock_check compares the calls since the mock (or the last check) and starts counting again", async () => {
    const rows = await rowsOf(`
      LET _ <= mock(plugin='info', results=[dict(A=1)])
      LET X <= SELECT * FROM foreach(row={ SELECT * FROM range(end=2) }, query={ SELECT * FROM info() })
      SELECT mock_check(plugin='info', expected_calls=2) AS Good,
             mock_check(plugin='info', expected_calls=1) AS Bad FROM scope()`);
    expect(rows).toEqual(['{"Good":{"Error":"OK"},"Bad":{"Error":"Mock plugin info should be called 1 times but was called 0 times"}}']);
  });

  it("mock_check counts function calls; an unmocked name logs and gives NULL", async () => {
    const r = await collect(`
      LET _ <= mock(function='host', results=['h'])
      SELECT host() AS H FROM range(end=3)
      SELECT mock_check(function='host', expected_calls=2) AS C, mock_check(plugin='nothere') AS N FROM scope()`);
    expect(r.rows.at(-1)).toBe('{"C":{"Error":"Mock function host should be called 2 times but was called 3 times"},"N":null}');
    expect(r.logs.some((l) => l.includes("mock_check: nothere does not appear to be mocked"))).toBe(true);
  });

  it("mock_replay gives each call's arguments", async () => {
    const rows = await rowsOf(`
      LET _ <= mock(plugin='glob', results=[dict(OSPath='/a')])
      LET X <= SELECT * FROM glob(globs='/etc/*', accessor='file')
      LET Y <= SELECT * FROM glob(globs=['/tmp/*', '/var/*'])
      SELECT mock_replay(plugin='glob') AS R, mock_replay(function='nothing') AS F FROM scope()`, { allowErrors: true });
    expect(rows).toEqual(['{"R":[{"globs":"/etc/*","accessor":"file"},{"globs":["/tmp/*","/var/*"]}],"F":null}']);
  });

  it("mock_clear resets counts and empties plugin mocks", async () => {
    const rows = await rowsOf(`
      LET _ <= mock(plugin='info', results=[dict(A=1)])
      LET _ <= mock(function='host', results=['h'])
      LET X <= SELECT * FROM info()
      LET Y <= SELECT host() FROM scope()
      LET _ <= mock_clear()
      SELECT mock_check(plugin='info', expected_calls=0) AS P, mock_check(function='host', expected_calls=0) AS F,
             mock_replay(plugin='info') AS R FROM scope()
      SELECT * FROM info()
      SELECT host() AS H FROM scope()`);
    // After mock_clear the plugin mock has no results (no rows); the function keeps its results.
    expect(rows).toEqual(['{"P":{"Error":"OK"},"F":{"Error":"OK"},"R":null}', '{"H":"h"}']);
  });

  it("a mock with a function of the same name as a real one does not touch other builtins", async () => {
    const f = defineFunction({ name: "twice", doc: "", category: "test", args: { x: arg.int() }, run: ({ x }) => (x ?? 0) * 2 });
    const rows = await rowsOf(`LET _ <= mock(function='host', results=['h']) SELECT twice(x=2) AS T FROM scope()`, { extra: [f] });
    expect(rows).toEqual(['{"T":4}']);
  });
});
