// bleve's query-string language (blevesearch.com/docs/Query-String-Query/) parsed into plain
// query nodes: whitespace-separated clauses, each optionally `+` (must) or `-` (must not),
// optionally `field:`-scoped, optionally boosted `^n`. A clause is a word (analyzed match), a
// `"phrase"`, a `/regexp/`, a word with `*`/`?` (wildcard), `word~` / `word~n` (fuzzy match),
// a number (match or equal number), or `>`, `>=`, `<`, `<=` followed by a number (numeric
// range) or a quoted date (date range). `\` escapes the next character. No I/O.

export type QueryNode =
  | { kind: "match"; field?: string; text: string; fuzziness: number; boost: number }
  | { kind: "phrase"; field?: string; text: string; boost: number }
  | { kind: "wildcard"; field?: string; pattern: string; boost: number }
  | { kind: "regexp"; field?: string; pattern: string; boost: number }
  | { kind: "numeric-range"; field?: string; min?: number; max?: number; minInclusive: boolean; maxInclusive: boolean; boost: number }
  | { kind: "date-range"; field?: string; start?: number; end?: number; startInclusive: boolean; endInclusive: boolean; boost: number }
  | { kind: "disjunction"; clauses: QueryNode[]; boost: number }
  | { kind: "boolean"; must: QueryNode[]; should: QueryNode[]; mustNot: QueryNode[] };

export type ParseResult = { ok: true; query: QueryNode } | { ok: false; error: string };

const NUMBER = /^-?\d+(\.\d+)?$/;
/** Characters that end a bare word (unless escaped). */
const WORD_END = /[\s:^~"]/;

class Scanner {
  i = 0;
  constructor(readonly s: string) {}
  get done(): boolean {
    return this.i >= this.s.length;
  }
  peek(n = 0): string {
    return this.s[this.i + n] ?? "";
  }
  fail(msg: string): never {
    throw new SyntaxError(`${msg} at offset ${this.i}`);
  }
  skipSpace(): void {
    while (!this.done && /\s/.test(this.peek())) this.i++;
  }
  /** A bare word with escapes resolved; `escaped` tells whether any `*`/`?` was escaped. */
  word(): { text: string; raw: string } {
    let text = "";
    let raw = "";
    while (!this.done && !WORD_END.test(this.peek())) {
      if (this.peek() === "\\") {
        if (this.i + 1 >= this.s.length) this.fail("`\\` at the end of the query");
        raw += this.s.slice(this.i, this.i + 2);
        text += this.s[this.i + 1];
        this.i += 2;
      } else {
        raw += this.peek();
        text += this.s[this.i++];
      }
    }
    return { text, raw };
  }
  /** Text between `q` delimiters (the opening one is current); `\q` is a literal `q`. */
  delimited(q: string): string {
    this.i++;
    let out = "";
    while (!this.done && this.peek() !== q) {
      if (this.peek() === "\\" && (this.peek(1) === q || this.peek(1) === "\\") && q === '"') {
        out += this.s[this.i + 1];
        this.i += 2;
      } else if (this.peek() === "\\" && this.peek(1) === q) {
        out += q;
        this.i += 2;
      } else out += this.s[this.i++];
    }
    if (this.done) this.fail(`unterminated ${q === '"' ? "phrase" : "regular expression"}`);
    this.i++;
    return out;
  }
  number(): number | undefined {
    const m = /^-?\d+(\.\d+)?/.exec(this.s.slice(this.i));
    if (!m) return undefined;
    this.i += m[0].length;
    return Number(m[0]);
  }
}

/** Milliseconds since the epoch for bleve's default date parser (RFC 3339, optional parts; no zone is UTC). */
export function parseBleveDate(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = "00", mi = "00", sec = "00", frac = "", zone = "Z"] = m;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${sec}${frac.slice(0, 4)}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

function rangeClause(sc: Scanner, field: string | undefined): QueryNode {
  let op = sc.peek();
  sc.i++;
  if (sc.peek() === "=") {
    op += "=";
    sc.i++;
  }
  const inclusive = op.endsWith("=");
  if (sc.peek() === '"') {
    const text = sc.delimited('"');
    const t = parseBleveDate(text);
    if (t === undefined) sc.fail(`\`${text}\` is not a date bleve reads (RFC 3339, e.g. 2024-01-31 or 2024-01-31T10:00:00Z)`);
    return op.startsWith(">")
      ? { kind: "date-range", field, start: t, startInclusive: inclusive, endInclusive: false, boost: 1 }
      : { kind: "date-range", field, end: t, startInclusive: false, endInclusive: inclusive, boost: 1 };
  }
  const n = sc.number();
  if (n === undefined) sc.fail(`expected a number or a quoted date after \`${op}\``);
  return op.startsWith(">")
    ? { kind: "numeric-range", field, min: n, minInclusive: inclusive, maxInclusive: false, boost: 1 }
    : { kind: "numeric-range", field, max: n, minInclusive: false, maxInclusive: inclusive, boost: 1 };
}

/** A word as bleve's query string reads it: /regexp/, wildcard, number, or match. */
function wordClause(w: { text: string; raw: string }, field: string | undefined): QueryNode {
  const unescapedWild = /(^|[^\\])[*?]/.test(w.raw);
  if (unescapedWild) return { kind: "wildcard", field, pattern: w.text, boost: 1 };
  if (NUMBER.test(w.raw)) {
    const n = Number(w.text);
    return {
      kind: "disjunction",
      boost: 1,
      clauses: [
        { kind: "match", field, text: w.text, fuzziness: 0, boost: 1 },
        { kind: "numeric-range", field, min: n, max: n, minInclusive: true, maxInclusive: true, boost: 1 },
      ],
    };
  }
  return { kind: "match", field, text: w.text, fuzziness: 0, boost: 1 };
}

function clause(sc: Scanner): QueryNode {
  let field: string | undefined;
  let node: QueryNode;
  if (sc.peek() === '"') node = { kind: "phrase", text: sc.delimited('"'), boost: 1 };
  else if (sc.peek() === "/") node = { kind: "regexp", pattern: sc.delimited("/"), boost: 1 };
  else {
    const w = sc.word();
    if (sc.peek() === ":") {
      if (w.text === "") sc.fail("expected a field name before `:`");
      // `_all` is bleve's name for the default field (every field).
      field = w.text === "_all" ? undefined : w.text;
      sc.i++;
      const c = sc.peek();
      if (c === ">" || c === "<") node = rangeClause(sc, field);
      else if (c === '"') node = { kind: "phrase", field, text: sc.delimited('"'), boost: 1 };
      else if (c === "/") node = { kind: "regexp", field, pattern: sc.delimited("/"), boost: 1 };
      else {
        const v = sc.word();
        if (v.text === "") sc.fail(`expected a value after \`${w.text}:\``);
        node = wordClause(v, field);
      }
    } else {
      if (w.text === "") sc.fail(`unexpected \`${sc.peek()}\``);
      node = wordClause(w, undefined);
    }
  }
  if (sc.peek() === "~") {
    sc.i++;
    const n = sc.number();
    const fuzziness = n ?? 1;
    if (node.kind !== "match" && !(node.kind === "disjunction" && node.clauses[0]?.kind === "match")) sc.fail("`~` follows only a word");
    if (!Number.isInteger(fuzziness) || fuzziness < 0) sc.fail("fuzziness must be a whole number");
    if (fuzziness > 2) sc.fail("fuzziness exceeds max (2)");
    const m = node.kind === "match" ? node : (node.clauses[0] as Extract<QueryNode, { kind: "match" }>);
    node = { ...m, fuzziness };
  }
  if (sc.peek() === "^") {
    sc.i++;
    const n = sc.number();
    if (n === undefined) sc.fail("expected a number after `^`");
    if (node.kind !== "boolean") node = { ...node, boost: n };
  }
  if (!sc.done && !/\s/.test(sc.peek())) sc.fail(`unexpected \`${sc.peek()}\``);
  return node;
}

/** Parses a bleve query string; an empty query is an error, as in bleve. */
export function parseQueryString(text: string): ParseResult {
  const sc = new Scanner(text);
  const must: QueryNode[] = [];
  const should: QueryNode[] = [];
  const mustNot: QueryNode[] = [];
  try {
    for (sc.skipSpace(); !sc.done; sc.skipSpace()) {
      let list = should;
      if ((sc.peek() === "+" || sc.peek() === "-") && sc.peek(1) !== "" && !/\s/.test(sc.peek(1))) {
        list = sc.peek() === "+" ? must : mustNot;
        sc.i++;
      }
      list.push(clause(sc));
    }
  } catch (err) {
    if (err instanceof SyntaxError) return { ok: false, error: err.message };
    throw err;
  }
  if (must.length + should.length + mustNot.length === 0) return { ok: false, error: "the query is empty" };
  return { ok: true, query: { kind: "boolean", must, should, mustNot } };
}
