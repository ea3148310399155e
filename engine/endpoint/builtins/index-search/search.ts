// Evaluates parsed bleve queries (query-string.ts) over an index (store.ts): the documents that
// match and a score for each, bleve's TF-IDF in outline (term: sqrt(tf) * idf² * boost /
// sqrt(field length), idf = 1 + ln(docs / (docFreq + 1)); disjunctions scaled by the share of
// clauses matched); then sort and paging order. Query-string mode as bleve has it: clauses of
// stop words only are dropped, with a `+` clause the others are optional, without one at least
// one must match, only `-` clauses match every other document.
import { compileRegex, isRegexError } from "@/engine/vql";
import type { QueryNode } from "./query-string";
import type { IndexStore } from "./store";

type Scores = Map<number, number>;

function rows(store: IndexStore, sql: string, params: (string | number)[]): unknown[][] {
  return store.db.exec(sql, params)[0]?.values ?? [];
}

/**
 * Scores of the documents holding terms that satisfy `cond` (an SQL condition on `term`) in
 * `field` (every field when undefined: bleve's `_all`), one clause per distinct term.
 */
function termsScores(store: IndexStore, field: string | undefined, cond: string, params: (string | number)[], boost: number): Scores {
  const postings =
    field === undefined
      ? rows(store, `SELECT p.term, p.doc, SUM(p.freq), d.len FROM postings p JOIN docs d ON d.n = p.doc WHERE ${cond} GROUP BY p.term, p.doc`, params)
      : rows(store, `SELECT term, doc, freq, len FROM postings p WHERE field = ? AND ${cond}`, [field, ...params]);
  const df = new Map<string, number>();
  for (const [t] of postings) df.set(String(t), (df.get(String(t)) ?? 0) + 1);
  const out: Scores = new Map();
  const hits = new Map<number, number>();
  const docs = store.docCount();
  for (const [t, d, freq, len] of postings) {
    const idf = 1 + Math.log(docs / (df.get(String(t))! + 1));
    const s = (Math.sqrt(Number(freq)) * idf * idf) / Math.sqrt(Math.max(1, Number(len)));
    out.set(Number(d), (out.get(Number(d)) ?? 0) + s);
    hits.set(Number(d), (hits.get(Number(d)) ?? 0) + 1);
  }
  for (const [d, s] of out) out.set(d, (boost * s * hits.get(d)!) / df.size);
  return out;
}

function termScores(store: IndexStore, field: string | undefined, term: string, boost: number): Scores {
  return termsScores(store, field, "p.term = ?", [term], boost);
}

/** Sum of the clauses' scores, times the share of clauses each document matched (bleve's coord). */
function disjunction(parts: Scores[], boost = 1): Scores {
  const out: Scores = new Map();
  const hits = new Map<number, number>();
  for (const p of parts)
    for (const [d, s] of p) {
      out.set(d, (out.get(d) ?? 0) + s);
      hits.set(d, (hits.get(d) ?? 0) + 1);
    }
  for (const [d, s] of out) out.set(d, (boost * s * hits.get(d)!) / parts.length);
  return out;
}

function distinctTerms(store: IndexStore, field: string | undefined): string[] {
  return rows(store, `SELECT DISTINCT term FROM postings${field === undefined ? "" : " WHERE field = ?"}`, field === undefined ? [] : [field]).map((r) => String(r[0]));
}

/** Levenshtein distance, stopping early past `max`. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, cur[j]!);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** A disjunction over many terms (wildcard, regexp, fuzzy), in chunks SQLite's parameter limit allows. */
function multiTerm(store: IndexStore, field: string | undefined, terms: string[], boost: number): Scores {
  if (terms.length <= 500) return terms.length ? termsScores(store, field, `p.term IN (${terms.map(() => "?").join(",")})`, terms, boost) : new Map();
  const parts: Scores[] = [];
  for (let i = 0; i < terms.length; i += 500) parts.push(multiTerm(store, field, terms.slice(i, i + 500), 1));
  return disjunction(parts, boost);
}

function matchQuery(store: IndexStore, q: Extract<QueryNode, { kind: "match" }>): Scores {
  if (q.field !== undefined && store.fieldType(q.field) === "bool") {
    const b = q.text.toLowerCase();
    return b === "true" || b === "false" ? termScores(store, q.field, b === "true" ? "T" : "F", q.boost) : new Map();
  }
  const tokens = store.analyzerFor(q.field)(q.text);
  if (tokens.length === 0) return new Map();
  const parts = tokens.map((t) => {
    if (q.fuzziness === 0) return termScores(store, q.field, t.term, 1);
    const near = distinctTerms(store, q.field).filter((x) => editDistance(x, t.term, q.fuzziness) <= q.fuzziness);
    return multiTerm(store, q.field, near, 1);
  });
  return disjunction(parts, q.boost);
}

function phraseQuery(store: IndexStore, q: Extract<QueryNode, { kind: "phrase" }>): Scores {
  const tokens = store.analyzerFor(q.field)(q.text);
  if (tokens.length === 0) return new Map();
  const first = tokens[0]!;
  // field -> doc -> term -> positions
  const seen = new Map<string, Map<number, Map<string, Set<number>>>>();
  for (const t of tokens) {
    const r = q.field === undefined ? rows(store, "SELECT field, doc, pos FROM postings WHERE term = ?", [t.term]) : rows(store, "SELECT field, doc, pos FROM postings WHERE field = ? AND term = ?", [q.field, t.term]);
    for (const [f, d, pos] of r) {
      const byDoc = seen.get(String(f)) ?? seen.set(String(f), new Map()).get(String(f))!;
      const byTerm = byDoc.get(Number(d)) ?? byDoc.set(Number(d), new Map()).get(Number(d))!;
      byTerm.set(t.term, new Set(String(pos).split(",").map(Number)));
    }
  }
  const matched = new Set<number>();
  for (const byDoc of seen.values())
    for (const [doc, byTerm] of byDoc) {
      const starts = byTerm.get(first.term);
      if (!starts) continue;
      for (const p of starts)
        if (tokens.every((t) => byTerm.get(t.term)?.has(p + t.pos - first.pos))) {
          matched.add(doc);
          break;
        }
    }
  const scores = disjunction(tokens.map((t) => termScores(store, q.field, t.term, 1)));
  return new Map([...matched].map((d) => [d, (scores.get(d) ?? 0) * tokens.length * q.boost]));
}

function rangeQuery(store: IndexStore, type: "number" | "datetime", field: string | undefined, lo: number | undefined, hi: number | undefined, loInc: boolean, hiInc: boolean, boost: number): Scores {
  const fields = (field === undefined ? store.fields() : [field]).filter((f) => store.fieldType(f) === type);
  const out: Scores = new Map();
  for (const f of fields) {
    const cond = ["field = ?"];
    const params: (string | number)[] = [f];
    if (lo !== undefined) cond.push(loInc ? "value >= ?" : "value > ?") && params.push(lo);
    if (hi !== undefined) cond.push(hiInc ? "value <= ?" : "value < ?") && params.push(hi);
    for (const [d] of rows(store, `SELECT DISTINCT doc FROM nums WHERE ${cond.join(" AND ")}`, params)) out.set(Number(d), boost);
  }
  return out;
}

function globOf(pattern: string): string {
  return pattern.replace(/[[\]]/g, (c) => `[${c}]`);
}

/** The documents matching `q` with their scores; a bad regular expression throws. */
export function evaluate(store: IndexStore, q: QueryNode): Scores {
  switch (q.kind) {
    case "match":
      return matchQuery(store, q);
    case "phrase":
      return phraseQuery(store, q);
    case "wildcard":
      return termsScores(store, q.field, "p.term GLOB ?", [globOf(q.pattern)], q.boost);
    case "regexp": {
      const re = compileRegex(`^(?:${q.pattern})$`);
      if (isRegexError(re)) throw new Error(`bad regular expression /${q.pattern}/: ${re.error}`);
      return multiTerm(store, q.field, distinctTerms(store, q.field).filter((t) => re.test(t)), q.boost);
    }
    case "numeric-range":
      return rangeQuery(store, "number", q.field, q.min, q.max, q.minInclusive, q.maxInclusive, q.boost);
    case "date-range":
      return rangeQuery(store, "datetime", q.field, q.start, q.end, q.startInclusive, q.endInclusive, q.boost);
    case "disjunction":
      return disjunction(q.clauses.map((c) => evaluate(store, c)), q.boost);
    case "boolean":
      return booleanQuery(store, q);
  }
}

/** A match or phrase whose text analyzes to no terms (only stop words): bleve's MatchNone, which query-string mode drops. */
function matchesNone(store: IndexStore, q: QueryNode): boolean {
  if (q.kind !== "match" && q.kind !== "phrase") return false;
  if (q.kind === "match" && q.field !== undefined && store.fieldType(q.field) === "bool") return false;
  return store.analyzerFor(q.field)(q.text).length === 0;
}

function booleanQuery(store: IndexStore, query: Extract<QueryNode, { kind: "boolean" }>): Scores {
  const keep = (l: QueryNode[]) => l.filter((c) => !matchesNone(store, c));
  const q = { must: keep(query.must), should: keep(query.should), mustNot: keep(query.mustNot) };
  if (q.must.length + q.should.length + q.mustNot.length === 0) return new Map();
  let out: Scores;
  if (q.must.length > 0) {
    const parts = q.must.map((c) => evaluate(store, c));
    out = new Map([...parts[0]!].filter(([d]) => parts.every((p) => p.has(d))).map(([d]) => [d, parts.reduce((s, p) => s + p.get(d)!, 0)]));
    if (q.should.length > 0) {
      const opt = disjunction(q.should.map((c) => evaluate(store, c)));
      for (const [d, s] of out) out.set(d, s + (opt.get(d) ?? 0));
    }
  } else if (q.should.length > 0) out = disjunction(q.should.map((c) => evaluate(store, c)));
  else out = new Map(rows(store, "SELECT n FROM docs", []).map((r) => [Number(r[0]), 0]));
  for (const c of q.mustNot) for (const d of evaluate(store, c).keys()) out.delete(d);
  return out;
}

/** Document numbers in bleve's order for `sort` (default `-_score`; `-` descending; missing values last; ties in index order). */
export function order(store: IndexStore, scores: Scores, sort: string[]): number[] {
  const keys = (sort.length ? sort : ["-_score"]).map((s) => {
    const desc = s.startsWith("-");
    const name = s.replace(/^[-+]/, "");
    let values: Map<number, string | number>;
    if (name === "_score") values = scores;
    else if (name === "_id") values = new Map(rows(store, "SELECT n, id FROM docs", []).map(([n, id]) => [Number(n), String(id)]));
    else if (store.fieldType(name) === "number" || store.fieldType(name) === "datetime") values = new Map(rows(store, "SELECT doc, MIN(value) FROM nums WHERE field = ? GROUP BY doc", [name]).map(([d, v]) => [Number(d), Number(v)]));
    else values = new Map(rows(store, "SELECT doc, MIN(term) FROM postings WHERE field = ? GROUP BY doc", [name]).map(([d, v]) => [Number(d), String(v)]));
    return { desc, values };
  });
  return [...scores.keys()].sort((a, b) => {
    for (const k of keys) {
      const va = k.values.get(a);
      const vb = k.values.get(b);
      if (va === undefined || vb === undefined) {
        if (va !== vb) return va === undefined ? 1 : -1;
        continue;
      }
      if (va !== vb) return (va < vb ? -1 : 1) * (k.desc ? -1 : 1);
    }
    return a - b;
  });
}

/** Stored fields of documents, looked up one by one with one statement (free() when done). */
export function storedFieldsReader(store: IndexStore): { get(doc: number): Array<[string, unknown]>; free(): void } {
  const stmt = store.db.prepare("SELECT stored FROM docs WHERE n = ?");
  return {
    get(doc) {
      const v = stmt.get([doc])[0];
      stmt.reset();
      return v === undefined ? [] : (JSON.parse(String(v)) as Array<[string, unknown]>);
    },
    free: () => stmt.free(),
  };
}
