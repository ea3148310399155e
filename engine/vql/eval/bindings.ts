/**
 * LET bindings (REFERENCE §5.8): lazy expressions, stored queries (both optionally with
 * parameters) and materialised values. Calling a parameterised LET evaluates the arguments in
 * the caller's scope and pushes them as a layer with a fresh aggregate context; the body is not
 * isolated (it still sees the caller's variables).
 */
import type { Span } from "../ast/types";
import { OrderedDict } from "../values/ordered-dict";
import type { MaybePromise, RowStream } from "../values/query";
import type { Ev } from "./compile-context";
import { Binding, type Scope } from "./scope";
import { MAX_DEPTH, StoredQuery, stackOverflow, type CompiledQuery } from "./query-values";
import { lazyStream } from "./stream";
import { rowsFromValue } from "./rows";

export interface CompiledParam {
  name: string;
  default?: Ev;
}

/** Evaluated call arguments, in call order. */
export interface CallArgs {
  names: string[];
  values: unknown[];
}

function isRangeError(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

export abstract class CallableBinding extends Binding {
  constructor(
    name: string,
    readonly params: CompiledParam[] | undefined,
  ) {
    super(name);
  }

  /**
   * The variables of a call: given parameters, then defaults evaluated in the caller's scope.
   * Parameters neither given nor defaulted stay unbound (they resolve from the caller's scope).
   * Extra arguments bind too when the LET declares no parameters.
   */
  protected callVars(scope: Scope, args: CallArgs, span: Span, logExtra: boolean): MaybePromise<OrderedDict> {
    const vars = new OrderedDict();
    const params = this.params;
    for (let i = 0; i < args.names.length; i++) {
      const n = args.names[i]!;
      if (params && !params.some((p) => p.name === n)) {
        if (logExtra) scope.run.report("VQL3013", [n, this.name], span);
        continue;
      }
      vars.set(n, args.values[i]);
    }
    const pending: Promise<unknown>[] = [];
    for (const p of params ?? []) {
      if (vars.has(p.name) || !p.default) continue;
      const v = p.default(scope);
      if (v instanceof Promise) pending.push(v.then((x) => vars.set(p.name, x)));
      else vars.set(p.name, v);
    }
    return pending.length ? Promise.all(pending).then(() => vars) : vars;
  }

  /** `F(a=1)` in an expression. */
  abstract call(scope: Scope, args: CallArgs, span: Span): MaybePromise<unknown>;
  /** `FROM F(a=1)`. */
  abstract openAsPlugin(scope: Scope, args: CallArgs, span: Span): RowStream;
}

/** `LET X = expr` / `LET F(a, b=2) = expr`. */
export class ExprBinding extends CallableBinding {
  constructor(
    name: string,
    private readonly ev: Ev,
    params: CompiledParam[] | undefined,
  ) {
    super(name, params);
  }

  private evalIn(s: Scope, caller: Scope, span?: Span): MaybePromise<unknown> {
    if (s.depth > MAX_DEPTH) {
      stackOverflow(caller, span);
      return null;
    }
    try {
      return this.ev(s);
    } catch (e) {
      if (!isRangeError(e)) throw e;
      stackOverflow(caller, span);
      return null;
    }
  }

  resolve(scope: Scope, span?: Span): MaybePromise<unknown> {
    return this.evalIn(scope.deeper(), scope, span);
  }

  call(scope: Scope, args: CallArgs, span: Span): MaybePromise<unknown> {
    const vars = this.callVars(scope, args, span, false);
    if (vars instanceof Promise) return vars.then((v) => this.evalIn(scope.withFreshAggregates().withVars(v), scope, span));
    return this.evalIn(scope.withFreshAggregates().withVars(vars), scope, span);
  }

  openAsPlugin(scope: Scope, args: CallArgs, span: Span): RowStream {
    const vars = this.callVars(scope, args, span, true);
    const inner = scope.withFreshAggregates();
    if (vars instanceof Promise) {
      return lazyStream(vars.then((v) => rowsFromValue(this.evalIn(inner.withVars(v), scope, span), inner)));
    }
    return rowsFromValue(this.evalIn(inner.withVars(vars), scope, span), inner);
  }
}

/** `LET X = SELECT ...` / `LET Q(a) = SELECT ...`. */
export class QueryBinding extends CallableBinding {
  constructor(
    name: string,
    private readonly query: CompiledQuery,
    params: CompiledParam[] | undefined,
  ) {
    super(name, params);
  }

  resolve(): StoredQuery {
    return new StoredQuery(this.query);
  }

  call(scope: Scope, args: CallArgs, span: Span): MaybePromise<unknown> {
    const vars = this.callVars(scope, args, span, false);
    return vars instanceof Promise ? vars.then((v) => new StoredQuery(this.query, v, true)) : new StoredQuery(this.query, vars, true);
  }

  openAsPlugin(scope: Scope, args: CallArgs, span: Span): RowStream {
    const vars = this.callVars(scope, args, span, true);
    if (vars instanceof Promise) return lazyStream(vars.then((v) => new StoredQuery(this.query, v, true).open(scope)));
    return new StoredQuery(this.query, vars, true).open(scope);
  }
}

/** `LET X <= ...`: the value computed once. */
export class ValueBinding extends Binding {
  constructor(
    name: string,
    readonly value: unknown,
  ) {
    super(name);
  }
  resolve(): unknown {
    return this.value;
  }
}
