// bleve's query-string language (blevesearch.com/docs/Query-String-Query/; its lexer and
// grammar, search/query/query_string_lex.go and .y) parsed into plain query nodes:
// whitespace-separated clauses, each optionally `+` (must) or `-` (must not), optionally
// `field:`-scoped, optionally boosted `^n`. A clause is a word (analyzed match), a `"phrase"`,
// a word that starts and ends with `/` (regexp), a word with `*`/`?` (wildcard), `word~` /
// `word~n` (fuzzy match), a number (match or equal number), or `>`, `>=`, `<`, `<=` followed by
// a number (numeric range) or a quoted date (date range). `\c` is `c` for bleve's reserved
// characters and stays `\c` for others (so regexp escapes survive). No I/O.

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

/** bleve's tNUMBER: digits with at most one dot, no escapes. */
const NUMBER = /^\d+(\.\d*)?$/;
/** Characters that end a bare word (unless escaped), as bleve's lexer ends a string. */
const WORD_END = /[\s:^~]/;
/** bleve's reserved characters: `\c` is `c` for these and stays `\c` (a regexp escape) for others. */
const RESERVED = "+-=&|><!(){}[]^\"~*?:\\/ ";

function unescape(c: string): string {
  return RESERVED.includes(c) ? c : `\\${c}`;
}

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
  /** A bare word with escapes resolved; `escaped` when it had any (so it is not a number). */
  word(): { text: string; escaped: boolean } {
    let text = "";
    let escaped = false;
    while (!this.done && !WORD_END.test(this.peek())) {
      if (this.peek() === "\\") {
        if (this.i + 1 >= this.s.length) this.fail("`\\` at the end of the query");
        escaped = true;
        text += unescape(this.s[this.i + 1]!);
        this.i += 2;
      } else text += this.s[this.i++];
    }
    return { text, escaped };
  }
  /** A quoted phrase (the opening quote is current); only an unescaped `"` ends it. */
  phrase(): string {
    this.i++;
    let out = "";
    while (!this.done && this.peek() !== '"') {
      if (this.peek() === "\\" && this.i + 1 < this.s.length) {
        out += unescape(this.s[this.i + 1]!);
        this.i += 2;
      } else out += this.s[this.i++];
    }
    if (this.done) this.fail("unterminated quote");
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
    const text = sc.phrase();
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

/** A word as bleve's grammar reads it: /regexp/, wildcard (any `*` or `?`), number, or match. */
function wordClause(w: { text: string; escaped: boolean }, field: string | undefined): QueryNode {
  if (w.text.length >= 2 && w.text.startsWith("/") && w.text.endsWith("/")) return { kind: "regexp", field, pattern: w.text.slice(1, -1), boost: 1 };
  if (/[*?]/.test(w.text)) return { kind: "wildcard", field, pattern: w.text, boost: 1 };
  if (!w.escaped && NUMBER.test(w.text)) {
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
  let node: QueryNode;
  let word: string | undefined;
  if (sc.peek() === '"') node = { kind: "phrase", text: sc.phrase(), boost: 1 };
  else {
    const w = sc.word();
    if (sc.peek() === ":") {
      if (w.text === "") sc.fail("expected a field name before `:`");
      // `_all` is bleve's name for the default field (every field).
      const field = w.text === "_all" ? undefined : w.text;
      sc.i++;
      const c = sc.peek();
      if (c === ">" || c === "<") node = rangeClause(sc, field);
      else if (c === '"') node = { kind: "phrase", field, text: sc.phrase(), boost: 1 };
      else {
        const v = sc.word();
        if (v.text === "") sc.fail(`expected a value after \`${w.text}:\``);
        node = wordClause(v, field);
        word = v.text;
      }
    } else {
      if (w.text === "") sc.fail(`unexpected \`${sc.peek()}\``);
      node = wordClause(w, undefined);
      word = w.text;
    }
  }
  if (sc.peek() === "~") {
    // bleve: a word followed by `~` is a fuzzy match of the word as written (wildcards included).
    sc.i++;
    const n = sc.number();
    const fuzziness = n ?? 1;
    if (word === undefined) sc.fail("`~` follows only a word");
    if (!Number.isInteger(fuzziness) || fuzziness < 0) sc.fail("fuzziness must be a whole number");
    if (fuzziness > 2) sc.fail("fuzziness exceeds max (2)");
    const field = "field" in node ? node.field : node.kind === "disjunction" ? (node.clauses[0] as { field?: string }).field : undefined;
    node = { kind: "match", field, text: word, fuzziness, boost: 1 };
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
