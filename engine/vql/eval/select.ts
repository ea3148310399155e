/**
 * compileSelect: a SELECT becomes a CompiledQuery whose open() builds the row pipeline
 * (REFERENCE §5.2): plugin rows → lazy row + WHERE → materialised output row → GROUP BY →
 * ORDER BY → LIMIT. Columns see the raw row only; WHERE sees raw row and aliases; only the
 * columns WHERE touches are computed before the row passes.
 */
import type { Column, Expr, SelectStatement } from "../ast/types";
import { columnName, printSelectFlat } from "../ast/print";
import { collect } from "../ast/walk";
import { OrderedDict, isPlainObject } from "../values/ordered-dict";
import { END, LazyValue, QueryValue, type MaybePromise, type RowStream } from "../values/query";
import { Timestamp } from "../values/timestamp";
import { Bytes } from "../values/bytes";
import type { CompileContext, Ev } from "./compile-context";
import { compileExpr } from "./expr";
import { compileFrom } from "./from";
import { materialize, simplifyRows } from "./materialize";
import type { CompiledQuery } from "./query-values";
import { AggContext, type LazyRowSource, type Scope } from "./scope";
import { collectStream } from "./stream";
import { GroupCollector, LimitStream, OrderStream } from "./group-order";
import { truthyOf } from "./truth";
import { aliasNeed, needsLazyAt, type AliasNeed } from "./lazy-row-need";
import { SKIP } from "./markers";
import { toJsonText } from "../values/json";

const UNSET: unique symbol = Symbol("vql.unset");

export interface CompiledColumn {
  name: string;
  star: boolean;
  ev: Ev | null;
  /** No aggregate, LET or scope-reading calls: a value computed for WHERE/GROUP BY can be reused in a bin. */
  pure: boolean;
}

export class CompiledSelect implements CompiledQuery {
  readonly text: string;
  readonly columns: CompiledColumn[];
  readonly from: (s: Scope) => RowStream;
  readonly where: Ev | undefined;
  readonly groupBy: Ev | undefined;
  readonly aliasIndex = new Map<string, number>();
  readonly aliasNames: string[];
  /** Output keys when every column is an expression with a distinct name (rows share them). */
  readonly sharedKeys: string[] | null;
  readonly whereNeed: AliasNeed;
  /** The column list is just `*`. */
  readonly starOnly: boolean;
  readonly groupNeed: AliasNeed;

  constructor(
    readonly node: SelectStatement,
    cc: CompileContext,
  ) {
    this.text = printSelectFlat(node);
    const compile = (e: Expr) => compileExpr(e, cc);
    this.columns = node.columns.map((c) => compileColumn(c, cc, compile));
    this.columns.forEach((c, i) => {
      if (!c.star) this.aliasIndex.set(c.name, i);
    });
    this.aliasNames = [...this.aliasIndex.keys()];
    this.from = compileFrom(node.from, cc, compile);
    this.where = node.where ? compile(node.where) : undefined;
    this.groupBy = node.groupBy ? compile(node.groupBy) : undefined;
    const names = this.columns.map((c) => c.name);
    const unique = new Set(names).size === names.length;
    this.sharedKeys = unique && !this.columns.some((c) => c.star) ? names : null;
    this.starOnly = this.columns.length === 1 && this.columns[0]!.star;
    const aliases = new Set(this.aliasNames);
    this.whereNeed = aliasNeed(node.where, aliases, cc.registry);
    this.groupNeed = aliasNeed(node.groupBy, aliases, cc.registry);
  }

  open(scope: Scope): RowStream {
    if (this.node.explain) scope.run.log("DEBUG", `query: ${this.text}`, this.node.span);
    let st: RowStream = new SelectStream(this, scope);
    if (this.node.orderBy) st = new OrderStream(st, this.node.orderBy.column.name, this.node.orderBy.desc, scope.run);
    if (this.node.limit) st = new LimitStream(st, Math.max(1, Math.trunc(this.node.limit.value)));
    return st;
  }
}

function isPure(e: Expr, cc: CompileContext): boolean {
  if (collect(e, "subquery").length) return false;
  return collect(e, "call").every((call) => {
    const fn = call.name.length === 1 ? cc.registry.functions.get(call.name[0]!.name) : undefined;
    return fn !== undefined && fn.category !== "aggregate" && !IMPURE.has(fn.name);
  });
}

/** Builtins whose result depends on more than their arguments at the moment of the call. */
const IMPURE = new Set(["get", "scope", "eval", "filter", "all", "any", "regex_replace", "query", "lazy_dict", "now", "uuid", "log", "sleep", "set"]);

function compileColumn(c: Column, cc: CompileContext, compile: (e: Expr) => Ev): CompiledColumn {
  if (c.kind === "star") return { name: "*", star: true, ev: null, pure: true };
  const name = columnName(c);
  if (c.expr.kind === "subquery") {
    const q = cc.compileQuery(c.expr.query);
    const ev: Ev = (s) => {
      const rows = collectStream(q.open(s.deeper()), s.run);
      return rows instanceof Promise ? rows.then(simplifyRows) : simplifyRows(rows);
    };
    return { name, star: false, ev, pure: false };
  }
  return { name, star: false, ev: compile(c.expr), pure: isPure(c.expr, cc) };
}

/** The lazy row WHERE sees: alias values computed on first use and cached for the output row. */
class LazyRow implements LazyRowSource {
  cache: unknown[] | null = null;
  constructor(
    private readonly q: CompiledSelect,
    private readonly rowScope: Scope,
  ) {}
  indexOf(name: string): number {
    const i = this.q.aliasIndex.get(name);
    return i === undefined ? -1 : i;
  }
  valueAt(i: number): unknown {
    let c = this.cache;
    if (c === null) c = this.cache = new Array(this.q.columns.length).fill(UNSET);
    let v = c[i];
    if (v === UNSET) v = c[i] = this.q.columns[i]!.ev!(this.rowScope);
    return v;
  }
  names(): readonly string[] {
    return this.q.aliasNames;
  }
}

function finalize(v: unknown, s: Scope): unknown {
  return typeof v === "object" && v !== null ? materialize(v, s) : v;
}

function starMembers(raw: unknown): [readonly string[], readonly unknown[]] | null {
  if (raw instanceof OrderedDict) return [raw.keys(), raw.values()];
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return null;
  if (!isPlainObject(raw) && (raw instanceof Timestamp || raw instanceof Bytes || raw instanceof QueryValue || raw instanceof LazyValue)) {
    return null;
  }
  const ks = Object.keys(raw);
  return [ks, ks.map((k) => (raw as Record<string, unknown>)[k])];
}

/**
 * Builds the output row of one plugin row (columns in order; `*` per §5.3). `cache` holds
 * values already computed for WHERE (UNSET where not), `pureOnly` limits reuse to pure columns
 * (GROUP BY bins recompute aggregates in their own context).
 */
export function buildRow(q: CompiledSelect, raw: unknown, rowScope: Scope, lazy: LazyRow | null, pureOnly = false): MaybePromise<OrderedDict> {
  const cols = q.columns;
  const n = cols.length;
  let cache = lazy?.cache ?? null;
  if (cache !== null && pureOnly) cache = cache.map((v, i) => (cols[i]!.pure ? v : UNSET));
  if (q.starOnly && raw instanceof OrderedDict) return copyRow(raw, rowScope);
  if (q.sharedKeys !== null) {
    const vals = new Array<unknown>(n);
    let pending = false;
    for (let i = 0; i < n; i++) {
      let v = cache !== null ? cache[i] : UNSET;
      if (v === UNSET) v = cols[i]!.ev!(rowScope);
      if (typeof v === "object" && v !== null) {
        v = v instanceof Promise ? v.then((x) => finalize(x, rowScope)) : finalize(v, rowScope);
        if (v instanceof Promise) pending = true;
      }
      vals[i] = v;
    }
    const keys = q.sharedKeys;
    return pending ? Promise.all(vals).then((vs) => OrderedDict.fromShared(keys, vs)) : OrderedDict.fromShared(keys, vals);
  }
  const out = new OrderedDict();
  const pending: [string, Promise<unknown>][] = [];
  for (let i = 0; i < n; i++) {
    const c = cols[i]!;
    if (c.star) {
      const m = starMembers(raw);
      if (!m) continue;
      const [ks, vs] = m;
      for (let j = 0; j < ks.length; j++) if (!out.has(ks[j]!)) putValue(out, pending, ks[j]!, vs[j], rowScope);
      continue;
    }
    let v = cache !== null ? cache[i] : UNSET;
    if (v === UNSET) v = c.ev!(rowScope);
    putValue(out, pending, c.name, v, rowScope);
  }
  if (pending.length === 0) return out;
  return Promise.all(pending.map((x) => x[1])).then((vals) => {
    pending.forEach(([k, p], i) => {
      if (out.get(k) === p) out.replace(k, vals[i]);
    });
    return out;
  });
}

/** `SELECT *` of a dict row: a copy (values materialised). */
function copyRow(raw: OrderedDict, rowScope: Scope): MaybePromise<OrderedDict> {
  const vals = raw.values().slice();
  let pending = false;
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i];
    if (typeof v === "object" && v !== null) {
      const f = finalize(v, rowScope);
      if (f instanceof Promise) pending = true;
      vals[i] = f;
    }
  }
  const keys = raw.keys().slice();
  return pending ? Promise.all(vals).then((vs) => OrderedDict.fromShared(keys, vs)) : OrderedDict.fromShared(keys, vals);
}

function putValue(out: OrderedDict, pending: [string, Promise<unknown>][], k: string, v: unknown, rowScope: Scope): void {
  if (typeof v === "object" && v !== null) {
    v = v instanceof Promise ? v.then((x) => finalize(x, rowScope)) : finalize(v, rowScope);
    if (v instanceof Promise) pending.push([k, v]);
  }
  out.set(k, v);
}

class SelectStream implements RowStream {
  private src: RowStream | null = null;
  private group: GroupCollector | null;
  private groupOut: RowStream | null = null;
  private readonly explain: boolean;
  private readonly whereLazy: boolean;
  private readonly groupLazy: boolean;
  /** Materialises a row in a GROUP BY bin's aggregate context. */
  private readonly buildInBin: (raw: unknown, agg: AggContext) => MaybePromise<OrderedDict>;
  /** The lazy row of the row being grouped (its pure columns are reused in the bin). */
  private groupLazyRow: LazyRow | null = null;

  constructor(
    private readonly q: CompiledSelect,
    private readonly scope: Scope,
  ) {
    this.group = q.groupBy ? new GroupCollector() : null;
    this.explain = q.node.explain;
    this.whereLazy = q.where !== undefined && needsLazyAt(q.whereNeed, scope);
    this.groupLazy = q.groupBy !== undefined && needsLazyAt(q.groupNeed, scope);
    this.buildInBin = (raw, agg) => buildRow(q, raw, scope.withRow(raw, agg), this.groupLazyRow, true);
  }

  next(): MaybePromise<unknown> {
    if (this.groupOut) return this.groupOut.next();
    const src = (this.src ??= this.q.from(this.scope));
    const run = this.scope.run;
    for (;;) {
      const t = run.tick();
      if (t) return t.then(() => this.next());
      const raw = src.next();
      if (raw instanceof Promise) return raw.then((x) => this.afterRaw(x));
      if (raw === END) return this.finish();
      const out = this.process(raw);
      if (out === SKIP) continue;
      if (out instanceof Promise) return out.then((x) => (x === SKIP ? this.next() : x));
      return out;
    }
  }

  private afterRaw(raw: unknown): MaybePromise<unknown> {
    if (raw === END) return this.finish();
    const out = this.process(raw);
    if (out === SKIP) return this.next();
    if (out instanceof Promise) return out.then((x) => (x === SKIP ? this.next() : x));
    return out;
  }

  private finish(): MaybePromise<unknown> {
    if (!this.group) return END;
    this.groupOut = new ArrayRows(this.group.result());
    return this.groupOut.next();
  }

  private process(raw: unknown): unknown {
    const q = this.q;
    const rowScope = this.scope.withRow(raw);
    if (this.explain) rowScope.run.log("DEBUG", `plugin row: ${toJsonText(raw)}`, q.node.from.span);
    let lazy: LazyRow | null = null;
    if (q.where) {
      let whereScope = rowScope;
      if (this.whereLazy) whereScope = rowScope.withLazyRow((lazy = new LazyRow(q, rowScope)));
      const w = q.where(whereScope);
      if (w === true || w === false) {
        if (!w) return this.rejected(raw);
      } else {
        const t = truthyOf(w, rowScope);
        if (t instanceof Promise) {
          const l = lazy;
          return t.then((ok) => (ok ? this.accept(raw, rowScope, l) : this.rejected(raw)));
        }
        if (!t) return this.rejected(raw);
      }
    }
    return this.accept(raw, rowScope, lazy);
  }

  private rejected(raw: unknown): typeof SKIP {
    if (this.explain) this.scope.run.log("DEBUG", `rejected row: ${toJsonText(raw)}`, this.q.node.where?.span);
    return SKIP;
  }

  private accept(raw: unknown, rowScope: Scope, lazy: LazyRow | null): unknown {
    const q = this.q;
    if (this.group) {
      if (this.groupLazy && lazy === null) lazy = new LazyRow(q, rowScope);
      this.groupLazyRow = lazy;
      const key = q.groupBy!(this.groupLazy ? rowScope.withLazyRow(lazy!) : rowScope);
      return this.group.add(key, rowScope, raw, this.buildInBin);
    }
    const row = buildRow(q, raw, rowScope, lazy);
    if (this.explain) return row instanceof Promise ? row.then((r) => this.logEmitted(r)) : this.logEmitted(row);
    return row;
  }

  private logEmitted(r: OrderedDict): OrderedDict {
    this.scope.run.log("DEBUG", `emitted row: ${toJsonText(r)}`, this.q.node.span);
    return r;
  }

  close(): MaybePromise<void> {
    this.groupOut?.close();
    return this.src?.close();
  }
}

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
