/**
 * GROUP BY (§5.6), ORDER BY (§5.5) and LIMIT (§5.4) stages. Group keys are the `%v` text of the
 * group expression; each bin has its own aggregate context and keeps only its latest row; bins
 * come out in first-seen order. ORDER BY sorts output rows on one column with the `<` protocol
 * (rows lacking the column stay put). LIMIT closes its source after the last row.
 */
import { getMember, MISSING } from "../values/access";
import { lessThan } from "../values/ordering";
import { END, type MaybePromise, type RowStream } from "../values/query";
import { toVqlString } from "../values/stringify";
import type { RunState } from "./run-state";
import { AggContext, type Scope } from "./scope";
import { collectStream } from "./stream";
import { resolveOperand } from "./truth";
import { SKIP } from "./markers";

interface Bin {
  agg: AggContext;
  row: unknown;
}

/** Materialises a grouped row in its bin's aggregate context. */
export interface BinBuilder {
  /**
   * `cache`: the row's alias values computed so far (UNSET where not), or null; `keyIndex`:
   * the column whose value is `key` (GROUP BY <alias>), or -1; `kept`: what the bin kept from
   * its previous row (null for the first), which only the bin references. Returns what the bin
   * keeps now.
   */
  buildInBin(raw: unknown, agg: AggContext, cache: unknown[] | null, keyIndex: number, key: unknown, kept: unknown): MaybePromise<unknown>;
}

export class GroupCollector {
  private bins = new Map<string, Bin>();
  private numeric = new Map<number, Bin>();

  /** Adds a row: `builder` materialises it in the bin's aggregate context. */
  add(key: unknown, scope: Scope, raw: unknown, cache: unknown[] | null, keyIndex: number, builder: BinBuilder): MaybePromise<typeof SKIP> {
    if (typeof key === "object" && key !== null) {
      const k = resolveOperand(key, scope);
      if (k instanceof Promise) return k.then((x) => this.addKey(x, raw, cache, keyIndex, key, builder));
      return this.addKey(k, raw, cache, keyIndex, key, builder);
    }
    return this.addKey(key, raw, cache, keyIndex, key, builder);
  }

  private binOf(k: unknown): Bin {
    let bin = typeof k === "number" ? this.numeric.get(k) : undefined;
    if (bin === undefined) {
      const text = typeof k === "string" ? k : toVqlString(k);
      bin = this.bins.get(text);
      if (bin === undefined) {
        bin = { agg: new AggContext(), row: null };
        this.bins.set(text, bin);
      }
      // Numbers skip the text conversion next time (1, 1.0 and '1' still share the bin).
      if (typeof k === "number") this.numeric.set(k, bin);
    }
    return bin;
  }

  private addKey(k: unknown, raw: unknown, cache: unknown[] | null, keyIndex: number, key: unknown, builder: BinBuilder): MaybePromise<typeof SKIP> {
    const b = this.binOf(k);
    const row = builder.buildInBin(raw, b.agg, cache, keyIndex, key, b.row);
    if (row instanceof Promise) return row.then((r) => ((b.row = r), SKIP));
    b.row = row;
    return SKIP;
  }

  /** What each bin kept, in first-seen order. */
  result(): unknown[] {
    return [...this.bins.values()].map((b) => b.row);
  }
}


export class OrderStream implements RowStream {
  private rows: unknown[] | null = null;
  private i = 0;

  constructor(
    private readonly inner: RowStream,
    private readonly column: string,
    private readonly desc: boolean,
    private readonly run: RunState,
  ) {}

  next(): MaybePromise<unknown> {
    if (this.rows) return this.i < this.rows.length ? this.rows[this.i++] : END;
    const all = collectStream(this.inner, this.run);
    const start = (r: unknown[]) => {
      this.rows = sortRows(r, this.column, this.desc);
      return this.next();
    };
    return all instanceof Promise ? all.then(start) : start(all);
  }

  close(): MaybePromise<void> {
    if (this.rows) {
      this.i = this.rows.length;
      return;
    }
    return this.inner.close();
  }
}

export function sortRows(rows: unknown[], column: string, desc: boolean): unknown[] {
  const keyed = rows.map((r) => {
    const k = getMember(r, column);
    return { r, k: k === MISSING ? MISSING : k === null || k === undefined ? "" : k };
  });
  keyed.sort((a, b) => {
    if (a.k === MISSING || b.k === MISSING) return 0;
    if (lessThan(a.k, b.k)) return desc ? 1 : -1;
    if (lessThan(b.k, a.k)) return desc ? -1 : 1;
    return 0;
  });
  return keyed.map((x) => x.r);
}

export class LimitStream implements RowStream {
  private count = 0;
  private done = false;

  constructor(
    private readonly inner: RowStream,
    private readonly limit: number,
  ) {}

  next(): MaybePromise<unknown> {
    if (this.done) return END;
    const r = this.inner.next();
    return r instanceof Promise ? r.then((x) => this.after(x)) : this.after(r);
  }

  private after(x: unknown): MaybePromise<unknown> {
    if (x === END) {
      this.done = true;
      return END;
    }
    if (++this.count >= this.limit) {
      this.done = true;
      const c = this.inner.close();
      if (c instanceof Promise) return c.then(() => x);
    }
    return x;
  }

  close(): MaybePromise<void> {
    if (this.done) return;
    this.done = true;
    return this.inner.close();
  }
}
