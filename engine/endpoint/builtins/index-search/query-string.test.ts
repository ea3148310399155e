// bleve's query-string language (blevesearch.com/docs/Query-String-Query/) parsed into query
// nodes: the expected trees follow the documented syntax, clause by clause.
import { describe, expect, it } from "vitest";
import { parseBleveDate, parseQueryString, type QueryNode } from "./query-string";

function parsed(s: string): Extract<QueryNode, { kind: "boolean" }> {
  const r = parseQueryString(s);
  if (!r.ok) throw new Error(r.error);
  return r.query as Extract<QueryNode, { kind: "boolean" }>;
}

describe("parseQueryString()", () => {
  it("reads bare words as match queries on the default field, each optional", () => {
    expect(parsed("light beer")).toEqual({
      kind: "boolean",
      must: [],
      mustNot: [],
      should: [
        { kind: "match", text: "light", fuzziness: 0, boost: 1, field: undefined },
        { kind: "match", text: "beer", fuzziness: 0, boost: 1, field: undefined },
      ],
    });
  });

  it("scopes a clause to a field with `field:` and reads `+` as must, `-` as must not", () => {
    const q = parsed("+description:water -light beer");
    expect(q.must).toEqual([{ kind: "match", field: "description", text: "water", fuzziness: 0, boost: 1 }]);
    expect(q.mustNot).toEqual([{ kind: "match", field: undefined, text: "light", fuzziness: 0, boost: 1 }]);
    expect(q.should).toHaveLength(1);
  });

  it("reads `_all:` as the default field", () => {
    expect(parsed("_all:water").should).toEqual([{ kind: "match", field: undefined, text: "water", fuzziness: 0, boost: 1 }]);
  });

  it("reads quoted text as a phrase, with or without a field", () => {
    expect(parsed('"light beer"').should).toEqual([{ kind: "phrase", text: "light beer", boost: 1 }]);
    expect(parsed('name:"light beer"').should).toEqual([{ kind: "phrase", field: "name", text: "light beer", boost: 1 }]);
    expect(parsed('"say \\"hi\\""').should).toEqual([{ kind: "phrase", text: 'say "hi"', boost: 1 }]);
  });

  it("reads `*` and `?` as a wildcard query and /.../ as a regular expression, neither analyzed", () => {
    expect(parsed("wat*r").should).toEqual([{ kind: "wildcard", field: undefined, pattern: "wat*r", boost: 1 }]);
    expect(parsed("wat*~1").should).toEqual([{ kind: "match", field: undefined, text: "wat*", fuzziness: 1, boost: 1 }]);
    expect(parsed("name:Wat?r").should).toEqual([{ kind: "wildcard", field: "name", pattern: "Wat?r", boost: 1 }]);
    expect(parsed("name:/w.*r/").should).toEqual([{ kind: "regexp", field: "name", pattern: "w.*r", boost: 1 }]);
    expect(parsed("/st.ut/").should).toEqual([{ kind: "regexp", field: undefined, pattern: "st.ut", boost: 1 }]);
    expect(parsed("/a\\ b/").should).toEqual([{ kind: "regexp", field: undefined, pattern: "a b", boost: 1 }]);
    // A backslash before a character bleve does not reserve stays, so regexp escapes work.
    expect(parsed("name:/w\\.r/").should).toEqual([{ kind: "regexp", field: "name", pattern: "w\\.r", boost: 1 }]);
    // Only a word that starts and ends with `/` is a regexp: a path is a match.
    expect(parsed("/usr/bin").should).toEqual([{ kind: "match", field: undefined, text: "/usr/bin", fuzziness: 0, boost: 1 }]);
  });

  it("reads `~` as fuzziness 1 and `~n` as fuzziness n (at most 2)", () => {
    expect(parsed("watex~").should).toEqual([{ kind: "match", field: undefined, text: "watex", fuzziness: 1, boost: 1 }]);
    expect(parsed("name:watex~2").should).toEqual([{ kind: "match", field: "name", text: "watex", fuzziness: 2, boost: 1 }]);
    expect(parseQueryString("watex~3")).toEqual({ ok: false, error: expect.stringMatching(/fuzziness exceeds max \(2\)/) });
  });

  it("reads `>`, `>=`, `<`, `<=` as numeric ranges, and a quoted value after them as a date range", () => {
    expect(parsed("abv:>10").should).toEqual([{ kind: "numeric-range", field: "abv", min: 10, minInclusive: false, maxInclusive: false, boost: 1 }]);
    expect(parsed("abv:>=10").should[0]).toMatchObject({ min: 10, minInclusive: true });
    expect(parsed("abv:<7.5").should[0]).toMatchObject({ max: 7.5, maxInclusive: false });
    expect(parsed("abv:<=-1").should[0]).toMatchObject({ max: -1, maxInclusive: true });
    expect(parsed('created:>"2016-09-21"').should).toEqual([{ kind: "date-range", field: "created", start: Date.UTC(2016, 8, 21), startInclusive: false, endInclusive: false, boost: 1 }]);
  });

  it("reads a number as a match on its text or an equal number", () => {
    expect(parsed("abv:5").should).toEqual([
      {
        kind: "disjunction",
        boost: 1,
        clauses: [
          { kind: "match", field: "abv", text: "5", fuzziness: 0, boost: 1 },
          { kind: "numeric-range", field: "abv", min: 5, max: 5, minInclusive: true, maxInclusive: true, boost: 1 },
        ],
      },
    ]);
  });

  it("reads `^n` as a boost and `\\` as an escape", () => {
    expect(parsed("quartz^2 water").should[0]).toEqual({ kind: "match", field: undefined, text: "quartz", fuzziness: 0, boost: 2 });
    expect(parsed('"light beer"^3').should[0]).toMatchObject({ kind: "phrase", boost: 3 });
    expect(parsed("path:c\\:\\\\windows").should).toEqual([{ kind: "match", field: "path", text: "c:\\windows", fuzziness: 0, boost: 1 }]);
    // As in bleve, an escaped `*` is still a wildcard (the grammar looks for `*` after unescaping).
    expect(parsed("a\\*b").should).toEqual([{ kind: "wildcard", field: undefined, pattern: "a*b", boost: 1 }]);
    // An escaped digit makes a word, not a number.
    expect(parsed("\\5").should).toEqual([{ kind: "match", field: undefined, text: "\\5", fuzziness: 0, boost: 1 }]);
    expect(parsed("my\\ word").should).toEqual([{ kind: "match", field: undefined, text: "my word", fuzziness: 0, boost: 1 }]);
  });

  it("reports errors as values: empty queries, a field without a value, unterminated phrases", () => {
    for (const bad of ["", "   ", "name:", '"open', ":x", "a^", "abv:>x"]) expect(parseQueryString(bad).ok, bad).toBe(false);
  });
});

describe("parseBleveDate()", () => {
  it("reads RFC 3339 with optional parts, a missing zone as UTC", () => {
    expect(parseBleveDate("2024-01-31")).toBe(Date.UTC(2024, 0, 31));
    expect(parseBleveDate("2024-01-31T10:20:30Z")).toBe(Date.UTC(2024, 0, 31, 10, 20, 30));
    expect(parseBleveDate("2024-01-31 10:20:30")).toBe(Date.UTC(2024, 0, 31, 10, 20, 30));
    expect(parseBleveDate("2024-01-31T10:20:30+02:00")).toBe(Date.UTC(2024, 0, 31, 8, 20, 30));
    expect(parseBleveDate("yesterday")).toBeUndefined();
  });
});
