/**
 * The evaluator's deferred values: stored queries (a compiled SELECT, optionally with bound
 * call arguments and a fresh aggregate context), lazy expressions, and the row source handed
 * to `query()` arguments. Stored queries are not bound to a scope: they run in the scope of
 * whoever opens them (REFERENCE §5.9, §5.10).
 */
import { END, LazyValue, QueryValue, type MaybePromise, type RowStream } from "../values/query";
import { isDictLike, OrderedDict } from "../values/ordered-dict";
import type { LazyArg, QueryArg } from "../builtins/types";
import { ArrayStream, EMPTY_STREAM, streamToAsyncIterable } from "./stream";
import { AggContext, type Scope } from "./scope";
import type { Span } from "../ast/types";

export const MAX_DEPTH = 1000;

/** A compiled SELECT. */
export interface CompiledQuery {
  open(scope: Scope): RowStream;
  /** Always exactly one row, without a plugin call (then single() gives it). */
  readonly singleRow?: boolean;
  /** The one row of a singleRow query, built in `scope`. */
  single?(scope: Scope): MaybePromise<unknown>;
  /** Canonical one-line text (messages, EXPLAIN, %v). */
  readonly text: string;
}

export function stackOverflow(scope: Scope, span?: Span): void {
  scope.run.report("VQL3010", [scope.run.currentQuery], span);
}

export class StoredQuery extends QueryValue {
  constructor(
    readonly query: CompiledQuery,
    /** Variables bound by a call `Q(a=1)`, pushed on top of the opening scope. */
    readonly vars?: OrderedDict | Record<string, unknown>,
    /** A call with parentheses gets its own aggregate context. */
    readonly freshAggregates = false,
  ) {
    super();
  }

  open(scopeArg: unknown): RowStream {
    const scope = scopeArg as Scope;
    let s = this.freshAggregates ? scope.withFreshAggregates() : scope.deeper();
    if (s.depth > MAX_DEPTH) {
      stackOverflow(scope);
      return EMPTY_STREAM;
    }
    if (this.vars) s = s.withVars(this.vars);
    return this.query.open(s);
  }

  /**
   * open(scope.withVars(vars)) with one frame less: the variables frame also counts the
   * nesting level (and holds the fresh aggregate context of a call).
   */
  openWithVars(scope: Scope, vars: OrderedDict | Record<string, unknown>): RowStream {
    let s = scope.withVars(vars, this.freshAggregates ? new AggContext() : scope.agg, scope.depth + 1);
    if (s.depth > MAX_DEPTH) {
      stackOverflow(scope);
      return EMPTY_STREAM;
    }
    if (this.vars) s = s.withVars(this.vars);
    return this.query.open(s);
  }

  /**
   * The row of a single-row query opened with `vars` (as openWithVars would yield it), END when
   * nesting is too deep; undefined when the query is not single-row.
   */
  oneRow(scope: Scope, vars: OrderedDict | Record<string, unknown> | undefined): MaybePromise<unknown> | undefined {
    const q = this.query;
    if (q.singleRow !== true) return undefined;
    const agg = this.freshAggregates ? new AggContext() : scope.agg;
    let s = vars ? scope.withVars(vars, agg, scope.depth + 1) : scope.deeper(agg);
    if (s.depth > MAX_DEPTH) {
      stackOverflow(scope);
      return END;
    }
    if (this.vars) s = s.withVars(this.vars);
    return q.single!(s);
  }

  describe(): string {
    return this.query.text;
  }

  /** The compiled SELECT: each lookup of a LET (or evaluation of a `{...}`) is a new StoredQuery. */
  override get cacheKey(): unknown {
    return this.query;
  }
}

/** A query over rows already computed (`LET X <= SELECT ...` used where a query is expected). */
export class RowsQuery extends QueryValue {
  constructor(readonly rows: readonly unknown[]) {
    super();
  }
  open(): RowStream {
    return new ArrayStream(this.rows);
  }
  describe(): string {
    return `${this.rows.length} rows`;
  }
}

/** An expression with the scope it must be evaluated in. */
export class LazyExpr extends LazyValue implements LazyArg {
  constructor(
    private readonly ev: (s: Scope) => unknown,
    private readonly scope: Scope,
  ) {
    super();
  }
  force(): MaybePromise<unknown> {
    return this.ev(this.scope);
  }
  value(): MaybePromise<unknown> {
    return this.ev(this.scope);
  }
}

/** Rows of a non-query value used as a query (foreach row=, chain(...), query args). */
function valueRows(v: unknown): readonly unknown[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      if (x === null || x === undefined) continue;
      out.push(isDictLike(x) ? x : new OrderedDict([["_value", x]]));
    }
    return out;
  }
  if (isDictLike(v)) return [v];
  return [new OrderedDict([["_value", v]])];
}

/** What a `query()` argument receives. */
export class QueryArgImpl implements QueryArg {
  readonly isQuery: boolean;
  constructor(
    readonly value: unknown,
    private readonly scope: Scope,
  ) {
    this.isQuery = value instanceof QueryValue;
  }

  /** Maybe-sync stream of the rows (evaluator fast path). */
  open(vars?: OrderedDict | Record<string, unknown>): RowStream {
    const v = this.value;
    if (v instanceof StoredQuery && vars) return v.openWithVars(this.scope, vars);
    if (v instanceof QueryValue) return v.open(vars ? this.scope.withVars(vars) : this.scope);
    if (v instanceof LazyValue) return new LazyRowsStream(v, vars ? this.scope.withVars(vars) : this.scope);
    return new ArrayStream(valueRows(v));
  }

  rows(vars?: OrderedDict | Record<string, unknown>): AsyncIterable<unknown> {
    return streamToAsyncIterable(() => this.open(vars));
  }

  stream(vars?: OrderedDict | Record<string, unknown>): RowStream {
    return this.open(vars);
  }

  one(vars?: OrderedDict | Record<string, unknown>): MaybePromise<unknown> | undefined {
    const v = this.value;
    return v instanceof StoredQuery ? v.oneRow(this.scope, vars) : undefined;
  }
}

class LazyRowsStream implements RowStream {
  private inner: RowStream | null = null;
  constructor(
    private readonly lazy: LazyValue,
    private readonly scope: Scope,
  ) {}
  next(): MaybePromise<unknown> {
    if (this.inner) return this.inner.next();
    const v = this.lazy.force();
    const start = (x: unknown) => {
      this.inner = x instanceof QueryValue ? x.open(this.scope) : new ArrayStream(valueRows(x));
      return this.inner.next();
    };
    return v instanceof Promise ? v.then(start) : start(v);
  }
  close(): void {
    this.inner?.close();
    this.inner = new ArrayStream([]);
  }
}
