// Every `query`, `precondition` and `export` of the Velociraptor artifact corpus
// (../shared/corpus/velociraptor-artifacts, test data only) must parse with no error, and
// survive format -> parse unchanged. The corpus is required: the test fails if it is absent.

import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatVql } from "../ast/format";
import { stripSpans } from "../ast/strip-spans";
import { corpusDir, corpusQueries } from "../testdata/load-corpus";
import { parse } from "./parse";

const present = existsSync(corpusDir);
const queries = present ? corpusQueries() : [];

describe("the Velociraptor artifact corpus", () => {
  it(`is present at ../shared/corpus/velociraptor-artifacts (${queries.length} queries found)`, () => {
    expect(present, `corpus folder missing: ${corpusDir}`).toBe(true);
    expect(queries.length).toBeGreaterThan(500);
  });

  it(`parses all ${queries.length} corpus queries, preconditions and exports with no error diagnostic`, () => {
    const failures = queries
      .map((q) => ({ where: q.where, errors: parse(q.text).diagnostics.filter((d) => d.severity === "error") }))
      .filter((f) => f.errors.length > 0)
      .map((f) => `${f.where}: ${f.errors[0]!.code} ${f.errors[0]!.message}`);
    expect(failures).toEqual([]);
  });

  it("formats every corpus query to text that parses back to the same tree", () => {
    const mismatches: string[] = [];
    for (const q of queries) {
      const before = parse(q.text);
      const formatted = formatVql(q.text);
      const after = parse(formatted);
      if (after.diagnostics.some((d) => d.severity === "error")) mismatches.push(`${q.where}: formatted text has errors`);
      else if (JSON.stringify(stripSpans(after.statements.map(withoutComments))) !== JSON.stringify(stripSpans(before.statements.map(withoutComments)))) {
        mismatches.push(`${q.where}: tree changed`);
      }
      const texts = (r: typeof before) => r.comments.map((c) => c.text.trimEnd());
      if (JSON.stringify(texts(after)) !== JSON.stringify(texts(before))) mismatches.push(`${q.where}: comments lost or reordered`);
    }
    expect(mismatches).toEqual([]);
  });
});

/** Statement-attached comments may move between statements when formatted; compare the code. */
function withoutComments<T extends { comments: unknown }>(s: T): Omit<T, "comments"> {
  const { comments: _, ...rest } = s;
  return rest;
}
