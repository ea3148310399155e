// index() and index_search() over this machine's files: expected rows from bleve's documented
// query-string semantics (blevesearch.com/docs/Query-String-Query/) and Velociraptor's
// arguments (vql/tools/index/index.go): analyzed matches, phrases, must / must not, numeric
// ranges on mapped numbers, wildcards and regular expressions on terms, fuzziness, sort,
// fields, start; batches, purge, `_id` replacement, silent; FILESYSTEM_WRITE / _READ.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createRegistry, portableBuiltins, runVql, toJsonValue } from "@/engine/vql";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { createPathGuard, guardSystem } from "@/engine/endpoint/builtins/protected-paths";
import type { EndpointSystem } from "@/engine/endpoint/builtins/system";
import { indexPlugin, indexSearchPlugin } from "./plugins";

const dir = mkdtempSync(join(tmpdir(), "talon-index-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const registry = createRegistry([...portableBuiltins, indexPlugin, indexSearchPlugin]);
const system = createLinuxSystem();

async function run(vql: string, permissions?: string[], on: EndpointSystem = system) {
  const rows: Record<string, unknown>[] = [];
  const logs: string[] = [];
  for await (const e of runVql(vql, { registry, host: { system: on }, permissions: permissions && new Set(permissions) })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
    if (e.kind === "log" && e.level !== "DEBUG") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

const beers = join(dir, "beers.idx");
const BEERS = `[
  dict(_id='b1', name='Light Beer', description='a light, refreshing lager', abv='4.2', style='lager'),
  dict(_id='b2', name='Dark Stout', description='roasted and heavy water', abv='7.5', style='stout'),
  dict(_id='b3', name='Water Ale', description='light beer with water', abv='5', style='ale'),
  dict(_id='b4', name='Quartz IPA', description='hoppy', abv='6.8', style='ipa')
]`;

async function ids(search: string, extra = ""): Promise<unknown[]> {
  const r = await run(`SELECT * FROM index_search(path='${beers}', search=${JSON.stringify(search)}, fields=['_id']${extra})`);
  expect(r.logs).toEqual([]);
  return r.rows.map((x) => x._id);
}

describe("index()", () => {
  it("indexes the rows of a query into the output file and passes them on", async () => {
    const r = await run(`SELECT _id, name FROM index(query={ SELECT * FROM foreach(row=${BEERS}) }, output='${beers}', mapping=dict(abv='number'), purge=TRUE, batch=3)`);
    expect(r.logs).toEqual([]);
    expect(r.rows).toEqual([
      { _id: "b1", name: "Light Beer" },
      { _id: "b2", name: "Dark Stout" },
      { _id: "b3", name: "Water Ale" },
      { _id: "b4", name: "Quartz IPA" },
    ]);
    expect(existsSync(beers)).toBe(true);
  });
});

describe("index_search()", () => {
  it("matches analyzed words in any field (the default field), best match first", async () => {
    // b3 has `water` twice (name and description), b2 once: the higher term frequency ranks first.
    expect(await ids("water")).toEqual(["b3", "b2"]);
    // The standard analyzer lower-cases and splits at punctuation.
    expect(await ids("LAGER")).toEqual(["b1"]);
    expect(await ids("refreshing,")).toEqual(["b1"]);
  });

  it("scopes words to a field with `field:`", async () => {
    expect(await ids("name:water")).toEqual(["b3"]);
    expect(await ids("style:water")).toEqual([]);
  });

  it("requires `+` clauses, excludes `-` clauses, and with only `-` clauses matches every other document", async () => {
    expect(await ids("+description:water -light")).toEqual(["b2"]);
    expect(await ids("+style:lager water")).toEqual(["b1"]);
    expect((await ids("-style:lager")).sort()).toEqual(["b2", "b3", "b4"]);
  });

  it("matches phrases as consecutive terms", async () => {
    expect(await ids('name:"light beer"')).toEqual(["b1"]);
    expect(await ids('description:"light beer"')).toEqual(["b3"]);
    expect((await ids('"light beer"')).sort()).toEqual(["b1", "b3"]);
    expect(await ids('"beer light"')).toEqual([]);
  });

  it("drops English stop words, as bleve's standard analyzer does", async () => {
    expect(await ids("description:the")).toEqual([]);
    expect(await ids("description:roasted")).toEqual(["b2"]);
    // A clause of stop words only matches nothing and is dropped (bleve's MatchNone in query-string mode).
    expect(await ids("+the +style:stout")).toEqual(["b2"]);
    expect(await ids("the")).toEqual([]);
  });

  it("compares numbers of a `number`-mapped field with >, >=, <, <= and equality", async () => {
    expect(await ids("abv:>5", ", sort=['abv']")).toEqual(["b4", "b2"]);
    expect(await ids("abv:>=5", ", sort=['abv']")).toEqual(["b3", "b4", "b2"]);
    expect(await ids("abv:<5")).toEqual(["b1"]);
    expect(await ids("abv:<=4.2")).toEqual(["b1"]);
    expect(await ids("abv:5")).toEqual(["b3"]);
  });

  it("matches wildcards, regular expressions and fuzzy words against indexed (lower-case) terms", async () => {
    expect(await ids("name:wat*")).toEqual(["b3"]);
    expect(await ids("name:Wat*")).toEqual([]);
    expect(await ids("name:qu?rtz")).toEqual(["b4"]);
    expect(await ids("/st.ut/")).toEqual(["b2"]);
    expect(await ids("name:/ou/")).toEqual([]);
    // stuot -> stout is two edits (Levenshtein, no transpositions).
    expect(await ids("stuot~2")).toEqual(["b2"]);
    expect(await ids("stuot~1")).toEqual([]);
    expect(await ids("stoutt~")).toEqual(["b2"]);
  });

  it("sorts by fields (`-` descending), pages with start, and selects fields in the order asked", async () => {
    expect(await ids("*", ", sort=['abv']")).toEqual(["b1", "b3", "b4", "b2"]);
    expect(await ids("*", ", sort=['-abv']")).toEqual(["b2", "b4", "b3", "b1"]);
    expect(await ids("*", ", sort=['style']")).toEqual(["b3", "b4", "b1", "b2"]);
    expect(await ids("*", ", sort=['-_id']")).toEqual(["b4", "b3", "b2", "b1"]);
    expect(await ids("*", ", sort=['abv'], start=2")).toEqual(["b4", "b2"]);
    const r = await run(`SELECT * FROM index_search(path='${beers}', search='name:quartz', fields=['style', 'name', 'nope'])`);
    expect(r.rows).toEqual([{ style: "ipa", name: "Quartz IPA" }]);
  });

  it("returns every stored field without `fields` (numbers of a number mapping as numbers, the rest as text)", async () => {
    const r = await run(`SELECT * FROM index_search(path='${beers}', search='name:quartz')`);
    expect(r.rows).toEqual([{ _id: "b4", name: "Quartz IPA", description: "hoppy", abv: 6.8, style: "ipa" }]);
  });

  it("logs query errors and missing indexes", async () => {
    expect((await run(`SELECT * FROM index_search(path='${beers}', search='name:')`)).logs.join("\n")).toMatch(/ERROR index_search: expected a value after `name:`/);
    expect((await run(`SELECT * FROM index_search(path='${beers}', search='/(/')`)).logs.join("\n")).toMatch(/ERROR index_search: bad regular expression/);
    expect((await run(`SELECT * FROM index_search(path='${dir}/none.idx', search='x')`)).logs.join("\n")).toMatch(/ERROR index_search: .*no such index/);
    writeFileSync(join(dir, "junk.idx"), "not an index");
    expect((await run(`SELECT * FROM index_search(path='${dir}/junk.idx', search='x')`)).logs.join("\n")).toMatch(/ERROR index_search: the file is not an index made by index\(\)/);
  });
});

describe("index() options", () => {
  it("adds to an existing index, replaces a document with the same _id, and starts over with purge", async () => {
    const f = join(dir, "grow.idx");
    await run(`SELECT * FROM index(query={ SELECT * FROM foreach(row=[dict(_id='a', w='one'), dict(_id='b', w='two')]) }, output='${f}', purge=TRUE)`);
    await run(`SELECT * FROM index(query={ SELECT * FROM foreach(row=[dict(_id='a', w='three')]) }, output='${f}')`);
    const all = await run(`SELECT * FROM index_search(path='${f}', search='*', sort=['_id'])`);
    expect(all.rows).toEqual([
      { _id: "a", w: "three" },
      { _id: "b", w: "two" },
    ]);
    await run(`SELECT * FROM index(query={ SELECT * FROM foreach(row=[dict(_id='c', w='four')]) }, output='${f}', purge=TRUE)`);
    expect((await run(`SELECT * FROM index_search(path='${f}', search='*')`)).rows).toEqual([{ _id: "c", w: "four" }]);
  });

  it("replaces a document whose _id comes again in the same batch", async () => {
    const f = join(dir, "same.idx");
    await run(`SELECT * FROM index(query={ SELECT * FROM foreach(row=[dict(_id='a', w='one'), dict(_id='a', w='two')]) }, output='${f}', purge=TRUE)`);
    expect((await run(`SELECT * FROM index_search(path='${f}', search='*')`)).rows).toEqual([{ _id: "a", w: "two" }]);
    expect((await run(`SELECT * FROM index_search(path='${f}', search='one')`)).rows).toEqual([]);
  });

  it("keeps the batches indexed before the consumer stops (LIMIT), as Velociraptor's deferred flush does", async () => {
    const f = join(dir, "limit.idx");
    const r = await run(`SELECT * FROM index(query={ SELECT _value AS n FROM range(end=50) }, output='${f}', batch=10, purge=TRUE) LIMIT 1`);
    expect(r.rows).toEqual([{ n: 0 }]);
    expect((await run(`SELECT count() AS N FROM index_search(path='${f}', search='*') GROUP BY 1`)).rows).toEqual([{ N: 10 }]);
  });

  it("indexes large inputs in batches; silent passes nothing on", async () => {
    const f = join(dir, "big.idx");
    const r = await run(`SELECT count() AS N FROM index(query={ SELECT _value AS n, format(format='row %d', args=_value) AS t FROM range(end=5000) }, output='${f}', batch=700, purge=TRUE) GROUP BY 1`);
    expect(r).toEqual({ rows: [{ N: 5000 }], logs: [] });
    expect((await run(`SELECT * FROM index_search(path='${f}', search='+t:row +n:4321')`)).rows).toEqual([{ n: "4321", t: "row 4321" }]);
    expect((await run(`SELECT count() AS N FROM index_search(path='${f}', search='t:row') GROUP BY 1`)).rows).toEqual([{ N: 5000 }]);
    const s = await run(`SELECT * FROM index(query={ SELECT _value AS n FROM range(end=10) }, output='${f}', silent=TRUE, purge=TRUE)`);
    expect(s).toEqual({ rows: [], logs: [] });
    expect((await run(`SELECT count() AS N FROM index_search(path='${f}', search='*') GROUP BY 1`)).rows).toEqual([{ N: 10 }]);
  });

  it("indexes dates of a datetime mapping for date ranges, and honours default_analyzer", async () => {
    const f = join(dir, "dates.idx");
    await run(`SELECT * FROM index(query={ SELECT * FROM foreach(row=[dict(_id='x', t='2024-01-31T10:00:00Z', p='C:/Windows/System32'), dict(_id='y', t='2024-03-01', p='/usr/bin')]) }, output='${f}', mapping=dict(t='date'), default_analyzer='keyword', purge=TRUE)`);
    expect((await run(`SELECT _id FROM index_search(path='${f}', search='t:>"2024-02-01"')`)).rows).toEqual([{ _id: "y" }]);
    expect((await run(`SELECT _id FROM index_search(path='${f}', search='t:<="2024-01-31T10:00:00Z"')`)).rows).toEqual([{ _id: "x" }]);
    // keyword: the whole value is one term (exact, case kept).
    expect((await run(`SELECT _id FROM index_search(path='${f}', search='p:/usr/bin')`)).rows).toEqual([{ _id: "y" }]);
    expect((await run(`SELECT _id FROM index_search(path='${f}', search='p:/USR/bin')`)).rows).toEqual([]);
    expect((await run(`SELECT _id FROM index_search(path='${f}', search='p:usr')`)).rows).toEqual([]);
    expect((await run(`SELECT _id FROM index_search(path='${f}', search='p:C*')`)).rows).toEqual([{ _id: "x" }]);
  });

  it("rejects unknown mapping types and analyzers, as Velociraptor does", async () => {
    const f = join(dir, "bad.idx");
    expect((await run(`SELECT * FROM index(query={ SELECT 1 AS a FROM scope() }, output='${f}', mapping=dict(a='blob'))`)).logs.join("\n")).toMatch(/ERROR index: Unknown field type blob/);
    expect((await run(`SELECT * FROM index(query={ SELECT 1 AS a FROM scope() }, output='${f}', mapping=dict(a=1))`)).logs.join("\n")).toMatch(/ERROR index: field mapping name a should be of type string/);
    expect((await run(`SELECT * FROM index(query={ SELECT 1 AS a FROM scope() }, output='${f}', default_analyzer='klingon')`)).logs.join("\n")).toMatch(/ERROR index: no analyzer named klingon/);
    expect(existsSync(f)).toBe(false);
  });

  it("never replaces a file that is not an index, with or without purge; purge removes a directory (an old bleve index)", async () => {
    const f = join(dir, "precious.txt");
    writeFileSync(f, "keep me");
    for (const purge of ["TRUE", "FALSE"]) {
      const r = await run(`SELECT * FROM index(query={ SELECT 1 AS a FROM scope() }, output='${f}', purge=${purge})`);
      expect(r.logs.join("\n")).toMatch(/ERROR index: the file is not an index made by index\(\)/);
      expect(readFileSync(f, "utf8")).toBe("keep me");
    }
    const d = join(dir, "old.bleve");
    mkdirSync(join(d, "store"), { recursive: true });
    expect((await run(`SELECT * FROM index(query={ SELECT 1 AS a FROM scope() }, output='${d}')`)).logs.join("\n")).toMatch(/is a directory/);
    expect((await run(`SELECT * FROM index(query={ SELECT 'x' AS a FROM scope() }, output='${d}', purge=TRUE)`)).logs).toEqual([]);
    expect((await run(`SELECT * FROM index_search(path='${d}', search='a:x')`)).rows).toEqual([{ a: "x" }]);
    // An empty file (a run that never finished) is started afresh.
    const e = join(dir, "empty.idx");
    writeFileSync(e, "");
    expect((await run(`SELECT * FROM index(query={ SELECT 'y' AS a FROM scope() }, output='${e}')`)).logs).toEqual([]);
    expect((await run(`SELECT * FROM index_search(path='${e}', search='y')`)).rows).toEqual([{ a: "y" }]);
  });

  it("does not index or store fields mapped to none", async () => {
    const f = join(dir, "none.idx");
    await run(`SELECT * FROM index(query={ SELECT 'x' AS a, 'secret' AS b FROM scope() }, output='${f}', mapping=dict(b='none'), purge=TRUE)`);
    expect((await run(`SELECT * FROM index_search(path='${f}', search='secret')`)).rows).toEqual([]);
    expect((await run(`SELECT * FROM index_search(path='${f}', search='a:x')`)).rows).toEqual([{ a: "x" }]);
  });
});

describe("permissions (Velociraptor: index needs FILESYSTEM_WRITE, index_search FILESYSTEM_READ)", () => {
  it("refuses index() without FILESYSTEM_WRITE and index_search() without FILESYSTEM_READ", async () => {
    const f = join(dir, "perm.idx");
    const w = await run(`SELECT * FROM index(query={ SELECT 1 AS a FROM scope() }, output='${f}')`, ["FILESYSTEM_READ"]);
    expect(w.rows).toEqual([]);
    expect(w.logs.join("\n")).toMatch(/FILESYSTEM_WRITE/);
    expect(existsSync(f)).toBe(false);
    const r = await run(`SELECT * FROM index_search(path='${beers}', search='water')`, ["FILESYSTEM_WRITE"]);
    expect(r.rows).toEqual([]);
    expect(r.logs.join("\n")).toMatch(/FILESYSTEM_READ/);
    expect((await run(`SELECT * FROM index_search(path='${beers}', search='water')`, ["FILESYSTEM_READ"])).rows).toHaveLength(2);
  });
});

describe("protected paths", () => {
  it("refuses to write or read an index in a protected directory before running the query", async () => {
    const state = join(dir, "state");
    const guarded = guardSystem(system, createPathGuard([{ pattern: state, reason: "the agent's state directory" }]), () => {});
    const w = await run(`SELECT * FROM index(query={ SELECT * FROM range(end=3) }, output='${state}/x.idx')`, undefined, guarded);
    expect(w.rows).toEqual([]);
    expect(w.logs.join("\n")).toMatch(/ERROR index: .*state directory/);
    expect(existsSync(join(state, "x.idx"))).toBe(false);
    const r = await run(`SELECT * FROM index_search(path='${state}/x.idx', search='*')`, undefined, guarded);
    expect(r.rows).toEqual([]);
  });
});
