/**
 * compileSelect: a SELECT becomes a CompiledQuery whose open() builds the row pipeline
 * (REFERENCE §5.2): plugin rows → lazy row + WHERE → materialised output row → GROUP BY →
 * ORDER BY → LIMIT. Columns see the raw row only; WHERE sees raw row and aliases; only the
 * columns WHERE touches are computed before the row passes.
 */
import type { Column, Expr, SelectStatement } from "../ast/types";
import { columnName, printSelectFlat } from "../ast/print";
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
import { SKIP } from "./markers";
import { toJsonText } from "../values/json";

const UNSET: unique symbol = Symbol("vql.unset");

export interface CompiledColumn {
  name: string;
  star: boolean;
  ev: Ev | null;
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
  }

  open(scope: Scope): RowStream {
    if (this.node.explain) scope.run.log("DEBUG", `query: ${this.text}`, this.node.span);
    let st: RowStream = new SelectStream(this, scope);
    if (this.node.orderBy) st = new OrderStream(st, this.node.orderBy.column.name, this.node.orderBy.desc, scope.run);
    if (this.node.limit) st = new LimitStream(st, Math.max(1, Math.trunc(this.node.limit.value)));
    return st;
  }
}

function compileColumn(c: Column, cc: CompileContext, compile: (e: Expr) => Ev): CompiledColumn {
  if (c.kind === "star") return { name: "*", star: true, ev: null };
  const name = columnName(c);
  if (c.expr.kind === "subquery") {
    const q = cc.compileQuery(c.expr.query);
    const ev: Ev = (s) => {
      const rows = collectStream(q.open(s.deeper()), s.run);
      const done = (r: unknown[]) => simplifyRows(r);
      return rows instanceof Promise ? rows.then(done) : done(rows);
    };
    return { name, star: false, ev };
  }
  return { name, star: false, ev: compile(c.expr) };
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

/** Builds the output row of one plugin row (columns in order; `*` per §5.3). */
export function buildRow(q: CompiledSelect, raw: unknown, rowScope: Scope, lazy: LazyRow | null): MaybePromise<OrderedDict> {
  const cols = q.columns;
  const n = cols.length;
  const cache = lazy?.cache ?? null;
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
  let pending: [string, Promise<unknown>][] | null = null;
  const put = (k: string, v: unknown, move: boolean) => {
    if (typeof v === "object" && v !== null) {
      v = v instanceof Promise ? v.then((x) => finalize(x, rowScope)) : finalize(v, rowScope);
      if (v instanceof Promise) (pending ??= []).push([k, v]);
    }
    if (move) out.set(k, v);
    else out.replace(k, v);
  };
  for (let i = 0; i < n; i++) {
    const c = cols[i]!;
    if (c.star) {
      const m = starMembers(raw);
      if (!m) continue;
      const [ks, vs] = m;
      for (let j = 0; j < ks.length; j++) if (!out.has(ks[j]!)) put(ks[j]!, vs[j], true);
      continue;
    }
    let v = cache !== null ? cache[i] : UNSET;
    if (v === UNSET) v = c.ev!(rowScope);
    put(c.name, v, true);
  }
  if (pending === null) return out;
  const list: [string, Promise<unknown>][] = pending;
  return Promise.all(list.map(([, p]) => p)).then((vals) => {
    list.forEach(([k, p], i) => {
      if (out.get(k) === p) out.replace(k, vals[i]);
    });
    return out;
  });
}

class SelectStream implements RowStream {
  private src: RowStream | null = null;
  private group: GroupCollector | null;
  private groupOut: RowStream | null = null;
  private readonly explain: boolean;

  constructor(
    private readonly q: CompiledSelect,
    private readonly scope: Scope,
  ) {
    this.group = q.groupBy ? new GroupCollector() : null;
    this.explain = q.node.explain;
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
    const rows = this.group.result();
    const start = (r: unknown[]) => {
      this.groupOut = new ArrayRows(r);
      return this.groupOut.next();
    };
    return rows instanceof Promise ? rows.then(start) : start(rows);
  }

  private process(raw: unknown): unknown {
    const q = this.q;
    const rowScope = this.scope.withRow(raw);
    if (this.explain) rowScope.run.log("DEBUG", `plugin row: ${toJsonText(raw)}`, q.node.from.span);
    let lazy: LazyRow | null = null;
    if (q.where) {
      lazy = new LazyRow(q, rowScope);
      const w = q.where(rowScope.withLazyRow(lazy));
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
      const lz = lazy ?? new LazyRow(q, rowScope);
      const key = q.groupBy!(rowScope.withLazyRow(lz));
      return this.group.add(key, rowScope, (agg: AggContext) => buildRow(q, raw, this.scope.withRow(raw, agg), null));
    }
    const row = buildRow(q, raw, rowScope, lazy);
    if (this.explain) {
      const log = (r: OrderedDict) => (this.scope.run.log("DEBUG", `emitted row: ${toJsonText(r)}`, q.node.span), r);
      return row instanceof Promise ? row.then(log) : log(row);
    }
    return row;
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
