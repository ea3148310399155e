// version(), rand(), lru() and semver(): expected values from Velociraptor's reference docs
// (vql.yaml), its version() rules (vql/common/version.go) and the SemVer 2.0 precedence rules.
import { describe, expect, it } from "vitest";
import { collect, rowsOf, valueOf } from "../../eval/testing";

const v = (expr: string) => valueOf(expr);

describe("version()", () => {
  it("gives a builtin's declared version, 0 when it declares none, NULL when there is no such builtin", async () => {
    expect(await v("(version(function='url'), version(plugin='split_records'), version(function='format'), version(plugin='no_such_plugin'), version(function='no_such'))")).toBe(
      "[2,2,0,null,null]",
    );
  });
  it("docs: picks a query by version with if()", async () => {
    expect(await rowsOf("SELECT * FROM if(condition=version(plugin='split_records') >= 1, then={ SELECT 'new' AS Q FROM scope() }, else={ SELECT 'legacy' AS Q FROM scope() })")).toEqual(['{"Q":"new"}']);
  });
  it("logs when neither plugin nor function is named and returns 0", async () => {
    const r = await collect("SELECT version() AS X FROM scope()");
    expect(r.rows).toEqual(['{"X":0}']);
    expect(r.logs.join()).toContain("One of plugin or function should be specified");
  });
});

describe("rand()", () => {
  it("gives integers from 0 up to range (exclusive); 0 without a range", async () => {
    const rows = await rowsOf("SELECT rand(range=5) AS R FROM range(end=200)");
    const values = rows.map((r) => (JSON.parse(r) as { R: number }).R);
    expect(values.every((x) => Number.isInteger(x) && x >= 0 && x < 5)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(1);
    expect(await v("rand()")).toBe("0");
  });
});

describe("lru()", () => {
  it("docs: set() adds and get() reads; beyond `size` the key set longest ago is dropped", async () => {
    const rows = await rowsOf(`
      LET C <= lru(size=2)
      SELECT set(item=C, field='a', value=1) AS _a, set(item=C, field='b', value=2) AS _b, set(item=C, field='c', value=3) AS _c FROM scope()
      SELECT get(item=C, field='a') AS A, get(item=C, field='b') AS B, get(item=C, field='c') AS C2 FROM scope()`);
    expect(rows.at(-1)).toBe('{"A":null,"B":2,"C2":3}');
  });
});

describe("semver()", () => {
  it("parses Major, Minor, Patch, Prerelease and the normalised Version (a leading v and missing parts allowed)", async () => {
    expect(await v("semver(version='v1.2-beta.1+build5')")).toBe('{"Major":1,"Minor":2,"Patch":0,"Prerelease":"beta.1","Version":"1.2.0-beta.1+build5"}');
  });
  it("compares with version strings as the semver.go doc comment says", async () => {
    // semver(version="1.0.0") = "1.0.0", > "0.5.0", < "2.0.0" are all true.
    expect(await v("(semver(version='1.0.0') = '1.0.0', semver(version='1.0.0') > '0.5.0', semver(version='1.0.0') < '2.0.0', '2.0.0' > semver(version='1.10.0'))")).toBe("[true,true,true,true]");
  });
  it("orders by SemVer 2.0 precedence (numbers numerically, a prerelease before its release)", async () => {
    expect(await v("(semver(version='1.10.0') > semver(version='1.9.0'), semver(version='1.0.0-alpha') < '1.0.0', semver(version='1.0.0-alpha.1') > '1.0.0-alpha', semver(version='1.0.0-alpha.2') < '1.0.0-alpha.10', semver(version='1.0.0+a') = '1.0.0+b')")).toBe(
      "[true,true,true,true,true]",
    );
  });
  it("logs an invalid version and gives NULL; an empty one gives NULL", async () => {
    const r = await collect("SELECT semver(version='one.two') AS X, semver(version='') AS Y FROM scope()");
    expect(r.rows).toEqual(['{"X":null,"Y":null}']);
    expect(r.logs.join()).toContain("semver: invalid semantic version 'one.two'");
  });
});
