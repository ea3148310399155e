/**
 * The row pipeline of one opened SELECT (REFERENCE §5.2): plugin rows → WHERE (with the lazy
 * row when it may read aliases) → output row or GROUP BY bin. The common shape (no GROUP BY,
 * no EXPLAIN, WHERE that reads no alias, distinct column names) runs in one tight loop; every
 * other shape goes through `process`.
 */
import { OrderedDict } from "../values/ordered-dict";
import { END, type MaybePromise, type RowStream } from "../values/query";
import { toJsonText } from "../values/json";
import type { Ev } from "./compile-context";
import { binValues, buildRow, buildSharedRow, cachedColumn, LazyRow } from "./build-row";
import { GroupCollector, type BinBuilder } from "./group-order";
import { needsLazyAt } from "./lazy-row-need";
import { SKIP } from "./markers";
import type { RunState } from "./run-state";
import type { AggContext, Scope } from "./scope";
import { truthyOf } from "./truth";
import { FILLED, type BulkRowStream } from "./stream";
import type { CompiledSelect } from "./select";

export class SelectStream implements BulkRowStream, BinBuilder {
  private src: RowStream | null = null;
  private readonly run: RunState;
  private readonly group: GroupCollector | null;
  private groupOut: RowStream | null = null;
  private readonly explain: boolean;
  private readonly whereLazy: boolean;
  private readonly groupLazy: boolean;
  /** No GROUP BY, no EXPLAIN, no lazy row, shared keys: the tight loop of next(). */
  private readonly simple: boolean;
  /** `SELECT * FROM ...` without other clauses: rows are copied. */
  private readonly copyOnly: boolean;
  private readonly where: Ev | undefined;
  private readonly sharedKeys: string[] | null;

  constructor(
    private readonly q: CompiledSelect,
    private readonly scope: Scope,
  ) {
    this.run = scope.run;
    this.group = q.groupBy ? new GroupCollector() : null;
    this.explain = q.node.explain;
    this.where = q.where;
    this.whereLazy = q.where !== undefined && needsLazyAt(q.whereNeed, scope);
    // GROUP BY <alias> reads the column through the row's alias cache: no lazy row needed.
    this.groupLazy = q.groupBy !== undefined && q.groupAlias < 0 && needsLazyAt(q.groupNeed, scope);
    this.sharedKeys = q.starOnly ? null : q.sharedKeys;
    this.simple = !this.group && !this.explain && !this.whereLazy && this.sharedKeys !== null;
    this.copyOnly = q.starOnly && !this.group && !this.explain && q.where === undefined;
  }

  next(): MaybePromise<unknown> {
    if (this.groupOut !== null) return this.groupOut.next();
    const src = this.src ?? (this.src = this.q.from(this.scope));
    const run = this.run;
    for (;;) {
      const t = run.tick();
      if (t !== undefined) return t.then(() => this.next());
      const raw = src.next();
      if (raw === END) return this.finish();
      if (raw instanceof Promise) return raw.then((x) => this.afterRaw(x));
      if (this.simple) {
        const rowScope = this.scope.withRow(raw);
        const where = this.where;
        if (where !== undefined) {
          const w = where(rowScope);
          if (w !== true) {
            if (w === false) continue;
            const out = this.afterWhere(w, raw, rowScope, null);
            if (out === SKIP) continue;
            return out instanceof Promise ? this.settle(out) : out;
          }
        }
        return buildSharedRow(this.sharedKeys!, this.q.columns, rowScope);
      }
      if (this.copyOnly) return buildRow(this.q, raw, this.scope.withRow(raw), null);
      const out = this.process(raw);
      if (out === SKIP) continue;
      return out instanceof Promise ? this.settle(out) : out;
    }
  }

  /** BulkRowStream: next() in a loop the optimiser can see through. */
  fill(out: unknown[], max: number, logs: readonly unknown[]): unknown {
    for (let n = 0; n < max; n++) {
      const r = this.next();
      if (r === END || r instanceof Promise) return r;
      if (logs.length !== 0) return r;
      out.push(r);
    }
    return FILLED;
  }

  private settle(p: Promise<unknown>): Promise<unknown> {
    return p.then((x) => (x === SKIP ? this.next() : x));
  }

  private afterRaw(raw: unknown): MaybePromise<unknown> {
    if (raw === END) return this.finish();
    const out = this.process(raw);
    if (out === SKIP) return this.next();
    return out instanceof Promise ? this.settle(out) : out;
  }

  private finish(): MaybePromise<unknown> {
    if (!this.group) return END;
    const kept = this.group.result();
    const keys = this.sharedKeys;
    this.groupOut = new ArrayRows(keys === null ? kept : kept.map((vals) => OrderedDict.fromShared(keys, vals as unknown[])));
    return this.groupOut.next();
  }

  private process(raw: unknown): unknown {
    const q = this.q;
    const rowScope = this.scope.withRow(raw);
    if (this.explain) this.run.log("DEBUG", `plugin row: ${toJsonText(raw)}`, q.node.from.span);
    let lazy: LazyRow | null = null;
    if (q.where) {
      let whereScope = rowScope;
      if (this.whereLazy) whereScope = rowScope.withLazyRow((lazy = new LazyRow(q, rowScope, null)));
      const w = q.where(whereScope);
      if (w !== true) return this.afterWhere(w, raw, rowScope, lazy);
    }
    return this.accept(raw, rowScope, lazy);
  }

  /** The rest of a row whose WHERE value was not `true`. */
  private afterWhere(w: unknown, raw: unknown, rowScope: Scope, lazy: LazyRow | null): unknown {
    if (w === false) return this.rejected(raw);
    const t = truthyOf(w, rowScope);
    if (t instanceof Promise) return t.then((ok) => (ok ? this.accept(raw, rowScope, lazy) : this.rejected(raw)));
    return t ? this.accept(raw, rowScope, lazy) : this.rejected(raw);
  }

  private rejected(raw: unknown): typeof SKIP {
    if (this.explain) this.run.log("DEBUG", `rejected row: ${toJsonText(raw)}`, this.q.node.where?.span);
    return SKIP;
  }

  private accept(raw: unknown, rowScope: Scope, lazy: LazyRow | null): unknown {
    const q = this.q;
    if (this.group) {
      let cache = lazy === null ? null : lazy.cache;
      let key: unknown;
      const gi = q.groupAlias;
      if (gi >= 0) {
        key = cache !== null ? cachedColumn(q, cache, gi, rowScope) : q.columns[gi]!.ev!(rowScope);
        return this.group.add(key, rowScope, raw, cache, gi, this);
      } else if (this.groupLazy) {
        if (lazy === null) {
          lazy = new LazyRow(q, rowScope, null);
          cache = lazy.cache;
        }
        key = q.groupBy!(rowScope.withLazyRow(lazy));
      } else key = q.groupBy!(rowScope);
      return this.group.add(key, rowScope, raw, cache, -1, this);
    }
    const row = buildRow(q, raw, rowScope, lazy === null ? null : lazy.cache);
    if (this.explain) return row instanceof Promise ? row.then((r) => this.logEmitted(r)) : this.logEmitted(row);
    return row;
  }

  /**
   * Materialises a row in a GROUP BY bin's aggregate context (pure alias values already
   * computed are reused). With shared keys the bin keeps the values only (overwriting the
   * array of its previous row, which nothing else references); finish() makes the row.
   */
  buildInBin(raw: unknown, agg: AggContext, cache: unknown[] | null, keyIndex: number, key: unknown, kept: unknown): MaybePromise<unknown> {
    const rowScope = this.scope.withRow(raw, agg);
    if (this.sharedKeys !== null) return binValues(this.q.columns, rowScope, cache, keyIndex, key, kept as unknown[] | null);
    if (keyIndex >= 0) {
      if (cache === null) cache = this.q.blank.slice();
      cache[keyIndex] = key;
    }
    return buildRow(this.q, raw, rowScope, cache, true);
  }

  private logEmitted(r: OrderedDict): OrderedDict {
    this.run.log("DEBUG", `emitted row: ${toJsonText(r)}`, this.q.node.span);
    return r;
  }

  close(): MaybePromise<void> {
    this.groupOut?.close();
    return this.src?.close();
  }
}

/** The one row of `SELECT ... FROM scope()`. */
export class SingleRowStream implements RowStream {
  private done = false;
  constructor(
    private readonly q: CompiledSelect,
    private readonly scope: Scope,
  ) {}
  next(): MaybePromise<unknown> {
    if (this.done) return END;
    this.done = true;
    // scope()'s row has no members, so a row frame for it would change no lookup.
    return buildRow(this.q, SCOPE_ROW, this.scope, null);
  }
  close(): void {
    this.done = true;
  }
}

/** The (memberless) plugin row of scope() as the single-row path sees it. */
const SCOPE_ROW = new OrderedDict();

class ArrayRows implements RowStream {
  private i = 0;
  constructor(private readonly rows: unknown[]) {}
  next(): unknown {
    return this.i < this.rows.length ? this.rows[this.i++] : END;
  }
  close(): void {
    this.i = this.rows.length;
  }
}
