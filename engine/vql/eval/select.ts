/**
 * compileSelect: a SELECT becomes a CompiledSelect (what can be decided once per query) whose
 * open() builds the row pipeline (REFERENCE §5.2): plugin rows → lazy row + WHERE →
 * materialised output row → GROUP BY → ORDER BY → LIMIT. Columns see the raw row only; WHERE
 * sees raw row and aliases; only the columns WHERE touches are computed before the row passes.
 * The per-row work lives in select-stream.ts and build-row.ts.
 */
import type { Column, Expr, SelectStatement } from "../ast/types";
import { columnName, printSelectFlat } from "../ast/print";
import { collect } from "../ast/walk";
import type { MaybePromise, RowStream } from "../values/query";
import type { CompileContext, Ev } from "./compile-context";
import { compileExpr } from "./expr";
import { compileFrom } from "./from";
import { simplifyRows } from "./materialize";
import type { CompiledQuery } from "./query-values";
import type { Scope } from "./scope";
import { collectStream } from "./stream";
import { LimitStream, OrderStream } from "./group-order";
import { aliasNeed, type AliasNeed } from "./lazy-row-need";
import { scopePlugin } from "../builtins/core/scope";
import { UNSET, type CompiledColumn, type RowShape } from "./build-row";
import { SelectStream, SingleRowStream, singleRowOf } from "./select-stream";

export type { CompiledColumn };

/** Aliases up to this many are found by a scan; more through a Map. */
const ALIAS_SCAN = 8;

export class CompiledSelect implements CompiledQuery, RowShape {
  readonly text: string;
  readonly columns: CompiledColumn[];
  readonly from: (s: Scope) => RowStream;
  readonly where: Ev | undefined;
  readonly groupBy: Ev | undefined;
  readonly aliasIndex = new Map<string, number>();
  readonly aliasNames: string[];
  /** Column index of each name in aliasNames. */
  private readonly aliasColumns: number[];
  /** Output keys when every column is an expression with a distinct name (rows share them). */
  readonly sharedKeys: string[] | null;
  readonly whereNeed: AliasNeed;
  /** The column list is just `*`. */
  readonly starOnly: boolean;
  readonly blank: unknown[];
  /**
   * `SELECT <columns> FROM scope()` with no other clause: one row built straight from the
   * columns (the shape of most foreach bodies and subquery columns), without a plugin call.
   */
  readonly singleRow: boolean;
  readonly groupNeed: AliasNeed;
  /** `GROUP BY <alias>`: the column whose value is the group key (-1 otherwise). */
  readonly groupAlias: number;

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
    this.aliasColumns = [...this.aliasIndex.values()];
    this.blank = this.columns.map(() => UNSET);
    this.from = compileFrom(node.from, cc, compile);
    this.where = node.where ? compile(node.where) : undefined;
    this.groupBy = node.groupBy ? compile(node.groupBy) : undefined;
    const names = this.columns.map((c) => c.name);
    const unique = new Set(names).size === names.length;
    this.sharedKeys = unique && !this.columns.some((c) => c.star) ? names : null;
    this.starOnly = this.columns.length === 1 && this.columns[0]!.star;
    const from = node.from;
    this.singleRow =
      from.called &&
      from.name.length === 1 &&
      from.args.length === 0 &&
      cc.registry.plugins.get(from.name[0]!.name) === scopePlugin &&
      !node.where &&
      !node.groupBy &&
      !node.orderBy &&
      !node.limit &&
      !node.explain;
    const aliases = new Set(this.aliasNames);
    this.whereNeed = aliasNeed(node.where, aliases, cc.registry);
    this.groupNeed = aliasNeed(node.groupBy, aliases, cc.registry);
    const g = node.groupBy;
    // The lazy row is the innermost frame GROUP BY sees, so a bare alias there is the column.
    this.groupAlias = g && g.kind === "symbol" && g.parts.length === 1 ? this.aliasAt(g.parts[0]!.name) : -1;
  }

  aliasAt(name: string): number {
    const names = this.aliasNames;
    if (names.length <= ALIAS_SCAN) {
      for (let i = 0; i < names.length; i++) if (names[i] === name) return this.aliasColumns[i]!;
      return -1;
    }
    const i = this.aliasIndex.get(name);
    return i === undefined ? -1 : i;
  }

  /** The row of a singleRow query (see SingleRowStream). */
  single(scope: Scope): MaybePromise<unknown> {
    return singleRowOf(this, scope);
  }

  open(scope: Scope): RowStream {
    if (this.singleRow) return new SingleRowStream(this, scope);
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
    return fn !== undefined && fn.category !== "aggregate" && !fn.impure;
  });
}

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

