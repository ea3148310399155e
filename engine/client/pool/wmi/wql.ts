// WQL data queries for the pool's wmi(): `SELECT <*|prop, ...> FROM <Class> [WHERE <condition>]`
// where a condition is comparisons (= != <> < > <= >=, LIKE, IS [NOT] NULL) of a property and a
// literal (string, number, TRUE, FALSE, NULL), joined by AND, OR, NOT and parentheses. As in WMI,
// keywords, class and property names and string comparisons ignore case, and `\` escapes the next
// character in a string. Anything else (ASSOCIATORS OF, REFERENCES OF, ISA, event queries'
// WITHIN, ...) is refused with a WqlError naming the offset where parsing stopped.

export class WqlError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`WQL: ${message} at position ${position}`);
  }
}

export type Literal = string | number | boolean | null;
export type CompareOp = "=" | "!=" | "<" | ">" | "<=" | ">=";

export type Condition =
  | { kind: "and" | "or"; left: Condition; right: Condition }
  | { kind: "not"; operand: Condition }
  | { kind: "compare"; property: string; op: CompareOp; value: Literal }
  | { kind: "like"; property: string; pattern: string }
  | { kind: "null"; property: string; negated: boolean };

export interface WqlQuery {
  /** The selected property names as written; undefined for `*`. */
  properties?: string[];
  className: string;
  where?: Condition;
}

type Token = { kind: "word" | "string" | "number" | "op" | "bad"; text: string; value?: Literal; at: number };

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    if (/[A-Za-z_]/.test(c)) {
      while (i < q.length && /[A-Za-z0-9_]/.test(q[i]!)) i++;
      out.push({ kind: "word", text: q.slice(at, i), at });
    } else if (/[0-9]/.test(c) || (c === "-" && /[0-9]/.test(q[i + 1] ?? ""))) {
      const m = /^-?(0x[0-9a-f]+|[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?)/i.exec(q.slice(i))!;
      i += m[0].length;
      out.push({ kind: "number", text: m[0], value: m[0].startsWith("-") ? -Number(m[0].slice(1)) : Number(m[0]), at });
    } else if (c === "'" || c === '"') {
      let s = "";
      i++;
      for (;;) {
        if (i >= q.length) throw new WqlError("unterminated string", at);
        const d = q[i]!;
        if (d === "\\" && i + 1 < q.length) {
          s += q[i + 1];
          i += 2;
        } else if (d === c) {
          i++;
          break;
        } else {
          s += d;
          i++;
        }
      }
      out.push({ kind: "string", text: q.slice(at, i), value: s, at });
    } else {
      const op = /^(<>|!=|<=|>=|=|<|>|\(|\)|,|\*)/.exec(q.slice(i));
      // Refused when the parser reaches it, so what comes first is reported first.
      if (!op) {
        out.push({ kind: "bad", text: c, at });
        break;
      }
      i += op[0].length;
      out.push({ kind: "op", text: op[0], at });
    }
  }
  return out;
}

const RESERVED = new Set(["select", "from", "where", "and", "or", "not", "like", "is", "null", "true", "false", "isa", "within", "group", "having", "associators", "references", "of"]);

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Token[],
    private readonly end: number,
  ) {}

  private peek(): Token | undefined {
    const t = this.toks[this.i];
    if (t?.kind === "bad") throw new WqlError(`unexpected character \`${t.text}\``, t.at);
    return t;
  }
  private at(): number {
    return this.peek()?.at ?? this.end;
  }
  private isWord(w: string): boolean {
    const t = this.peek();
    return t?.kind === "word" && t.text.toLowerCase() === w;
  }
  private isOp(o: string): boolean {
    const t = this.peek();
    return t?.kind === "op" && t.text === o;
  }
  private describe(): string {
    const t = this.peek();
    return t ? `\`${t.text}\`` : "the end of the query";
  }
  private expectWord(w: string): void {
    if (!this.isWord(w)) throw new WqlError(`expected ${w.toUpperCase()}, found ${this.describe()}`, this.at());
    this.i++;
  }
  private name(what: string): string {
    const t = this.peek();
    if (t?.kind !== "word" || RESERVED.has(t.text.toLowerCase())) throw new WqlError(`expected ${what}, found ${this.describe()}`, this.at());
    this.i++;
    return t.text;
  }

  query(): WqlQuery {
    if (this.isWord("associators") || this.isWord("references")) throw new WqlError(`${this.peek()!.text.toUpperCase()} OF queries are not supported`, this.at());
    this.expectWord("select");
    let properties: string[] | undefined;
    if (this.isOp("*")) this.i++;
    else {
      properties = [this.name("a property name or *")];
      while (this.isOp(",")) {
        this.i++;
        properties.push(this.name("a property name"));
      }
    }
    this.expectWord("from");
    const className = this.name("a class name");
    let where: Condition | undefined;
    if (this.isWord("where")) {
      this.i++;
      where = this.or();
    }
    if (this.peek()) throw new WqlError(`unexpected ${this.describe()} (only SELECT ... FROM ... [WHERE ...] is supported)`, this.at());
    return { properties, className, where };
  }

  private or(): Condition {
    let left = this.and();
    while (this.isWord("or")) {
      this.i++;
      left = { kind: "or", left, right: this.and() };
    }
    return left;
  }
  private and(): Condition {
    let left = this.not();
    while (this.isWord("and")) {
      this.i++;
      left = { kind: "and", left, right: this.not() };
    }
    return left;
  }
  private not(): Condition {
    if (this.isWord("not")) {
      this.i++;
      return { kind: "not", operand: this.not() };
    }
    if (this.isOp("(")) {
      this.i++;
      const c = this.or();
      if (!this.isOp(")")) throw new WqlError(`expected ), found ${this.describe()}`, this.at());
      this.i++;
      return c;
    }
    return this.comparison();
  }
  private literal(): Literal {
    const t = this.peek();
    if (t && (t.kind === "string" || t.kind === "number")) {
      this.i++;
      return t.value!;
    }
    for (const [w, v] of [["true", true], ["false", false], ["null", null]] as const)
      if (this.isWord(w)) {
        this.i++;
        return v;
      }
    throw new WqlError(`expected a string, number, TRUE, FALSE or NULL, found ${this.describe()}`, this.at());
  }
  private compareOp(): CompareOp | undefined {
    const t = this.peek();
    if (t?.kind !== "op" || !["=", "!=", "<>", "<", ">", "<=", ">="].includes(t.text)) return undefined;
    this.i++;
    return t.text === "<>" ? "!=" : (t.text as CompareOp);
  }

  private comparison(): Condition {
    const t = this.peek();
    if (!t) throw new WqlError("expected a condition, found the end of the query", this.at());
    if (t?.kind === "word" && !RESERVED.has(t.text.toLowerCase())) {
      const property = this.name("a property name");
      if (this.isWord("is")) {
        this.i++;
        const negated = this.isWord("not");
        if (negated) this.i++;
        this.expectWord("null");
        return { kind: "null", property, negated };
      }
      const negatedLike = this.isWord("not");
      if (negatedLike) this.i++;
      if (this.isWord("like")) {
        this.i++;
        const p = this.peek();
        if (p?.kind !== "string") throw new WqlError(`LIKE needs a string pattern, found ${this.describe()}`, this.at());
        this.i++;
        const like: Condition = { kind: "like", property, pattern: p.value as string };
        return negatedLike ? { kind: "not", operand: like } : like;
      }
      if (negatedLike) throw new WqlError(`expected LIKE after NOT, found ${this.describe()}`, this.at());
      const at = this.at();
      const op = this.compareOp();
      if (!op) throw new WqlError(`expected a comparison (=, <>, !=, <, >, <=, >=, LIKE, IS), found ${this.describe()}`, at);
      return { kind: "compare", property, op, value: this.literal() };
    }
    // `literal op property`, the other way round.
    const value = this.literal();
    const at = this.at();
    const op = this.compareOp();
    if (!op) throw new WqlError(`expected a comparison operator, found ${this.describe()}`, at);
    const property = this.name("a property name");
    const flip: Record<CompareOp, CompareOp> = { "=": "=", "!=": "!=", "<": ">", ">": "<", "<=": ">=", ">=": "<=" };
    return { kind: "compare", property, op: flip[op], value };
  }
}

/** Parses a WQL data query; throws WqlError (with the offset) for what it does not support. */
export function parseWql(query: string): WqlQuery {
  return new Parser(tokenize(query), query.length).query();
}

/** WQL's LIKE (case-insensitive): % any run, _ one character, [abc] [a-f] [^abc] a set. */
export function likeRegex(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "%") re += "[\\s\\S]*";
    else if (c === "_") re += "[\\s\\S]";
    else if (c === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close < 0) re += "\\[";
      else {
        let set = pattern.slice(i + 1, close);
        const negated = set.startsWith("^");
        if (negated) set = set.slice(1);
        re += `[${negated ? "^" : ""}${set.replace(/[\\\]]/g, "\\$&")}]`;
        i = close;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, "i");
}
