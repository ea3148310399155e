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
import { buildRow, buildSharedRow, cachedColumn, LazyRow } from "./build-row";
import { GroupCollector, type BinBuilder } from "./group-order";
import { needsLazyAt } from "./lazy-row-need";
import { SKIP } from "./markers";
import type { RunState } from "./run-state";
import type { AggContext, Scope } from "./scope";
import { truthyOf } from "./truth";
import type { CompiledSelect } from "./select";

export class SelectStream implements RowStream, BinBuilder {
  private src: RowStream | null = null;
  private readonly run: RunState;
  private readonly group: GroupCollector | null;
  private groupOut: RowStream | null = null;
  private readonly explain: boolean;
  private readonly whereLazy: boolean;
  private readonly groupLazy: boolean;
  /** No GROUP BY, no EXPLAIN, no lazy row, shared keys: the tight loop of next(). */
  private readonly simple: boolean;
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
      const out = this.process(raw);
      if (out === SKIP) continue;
      return out instanceof Promise ? this.settle(out) : out;
    }
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
    this.groupOut = new ArrayRows(this.group.result());
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
      if (q.groupAlias >= 0) {
        if (cache === null) cache = q.blank.slice();
        key = cachedColumn(q, cache, q.groupAlias, rowScope);
      } else if (this.groupLazy) {
        if (lazy === null) {
          lazy = new LazyRow(q, rowScope, null);
          cache = lazy.cache;
        }
        key = q.groupBy!(rowScope.withLazyRow(lazy));
      } else key = q.groupBy!(rowScope);
      return this.group.add(key, rowScope, raw, cache, this);
    }
    const row = buildRow(q, raw, rowScope, lazy === null ? null : lazy.cache);
    if (this.explain) return row instanceof Promise ? row.then((r) => this.logEmitted(r)) : this.logEmitted(row);
    return row;
  }

  /** Materialises a row in a GROUP BY bin's aggregate context (pure alias values are reused). */
  buildInBin(raw: unknown, agg: AggContext, cache: unknown[] | null): MaybePromise<unknown> {
    return buildRow(this.q, raw, this.scope.withRow(raw, agg), cache, true);
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
