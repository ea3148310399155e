// The size caps of values/limits.ts as a query meets them: a materialised LET (rows, bytes),
// strings and lists built by operators and builtins, regex input; each a clear error.
import { afterEach, describe, expect, it } from "vitest";
import { runVql } from "./run";
import { createRegistry, portableBuiltins } from "../builtins/registry";
import { DEFAULT_LIMITS, setValueLimits } from "../values/limits";

const registry = createRegistry(portableBuiltins);

async function run(vql: string, limits?: Parameters<typeof runVql>[1]["limits"]) {
  const rows: unknown[] = [];
  const errors: string[] = [];
  for await (const e of runVql(vql, { registry, limits })) {
    if (e.kind === "row") rows.push(Object.fromEntries(e.row.entries()));
    if (e.kind === "log" && e.level === "ERROR") errors.push(`${e.code} ${e.message}`);
  }
  return { rows, errors };
}

afterEach(() => setValueLimits({}));

describe("size caps", () => {
  it("a LET collecting more rows than its cap stops the query, naming the LET and the limit", async () => {
    const r = await run("LET X <= SELECT * FROM range(end=1001)\nSELECT len(list=X) AS N FROM scope()", { maxLetRows: 1000 });
    expect(r.rows).toEqual([]);
    expect(r.errors).toEqual(["VQL3016 LET X collects more than the limit of 1,000 rows"]);
    expect((await run("LET X <= SELECT * FROM range(end=1000)\nSELECT len(list=X) AS N FROM scope()", { maxLetRows: 1000 })).rows).toEqual([{ N: 1000 }]);
  });

  it("a LET over its byte cap stops too; the setting named by the host is in the message", async () => {
    setValueLimits({}, { maxLetBytes: "TALON_VQL_MAX_LET_BYTES" });
    const r = await run("LET X <= SELECT format(format='%0100d', args=_value) AS S FROM range(end=100000)\nSELECT len(list=X) AS N FROM scope()", { maxLetBytes: 1024 * 1024 });
    expect(r.errors).toEqual(["VQL3016 LET X collects more than the limit of 1 MiB of rows (estimated) (raise TALON_VQL_MAX_LET_BYTES)"]);
  });

  it("`+` on strings, `*` on a string and format() widths stop at the string cap", async () => {
    setValueLimits({ maxStringLength: 1000 });
    expect((await run("LET s = format(format='%0600d', args=1)\nSELECT len(list=s + s) AS N FROM scope()")).errors).toEqual(["VQL3016 `+` would build a string of 1,200 characters, over the limit of 1,000"]);
    expect((await run("SELECT len(list='ab' * 501) AS N FROM scope()")).errors).toEqual(["VQL3016 `*` would build a string of 1,002 characters, over the limit of 1,000"]);
    const f = await run("SELECT format(format='%2000s', args='x') AS S FROM scope()");
    expect(f.rows).toEqual([{ S: null }]);
    expect(f.errors).toEqual(["VQL3012 format: format() would build a string of 2,000 characters, over the limit of 1,000"]);
    const j = await run("SELECT join(array=['a' * 600, 'b' * 600], sep='-') AS S FROM scope()");
    expect(j.errors).toEqual(["VQL3012 join: join() would build a string of 1,201 characters, over the limit of 1,000"]);
    expect((await run("SELECT len(list='x' * 1000) AS N FROM scope()")).rows).toEqual([{ N: 1000 }]);
  });

  it("list `+` stops at the list cap", async () => {
    setValueLimits({ maxListLength: 3 });
    expect((await run("SELECT (1, 2) + (3, 4) AS L FROM scope()")).errors).toEqual(["VQL3016 `+` would build a list of 4 items, over the limit of 3"]);
  });

  it("a regular expression over more input than its cap: the builtin's value is NULL and the query goes on", async () => {
    setValueLimits({ maxRegexInput: 100 });
    const r = await run("SELECT regex_replace(source='x' * 101, re='x', replace='y') AS R, 'x' * 100 =~ 'x' AS M FROM scope()");
    expect(r.rows).toEqual([{ R: null, M: true }]);
    expect(r.errors).toEqual(["VQL3012 regex_replace: a regular expression over 101 characters of input, over the limit of 100"]);
  });

  it("the defaults are the documented ones", () => {
    expect(DEFAULT_LIMITS).toEqual({ maxLetRows: 1_000_000, maxLetBytes: 512 * 1024 * 1024, maxStringLength: 16 * 1024 * 1024, maxListLength: 10_000_000, maxRegexInput: 8 * 1024 * 1024 });
  });
});
