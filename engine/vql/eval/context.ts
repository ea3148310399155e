/**
 * CallContext: the BuiltinContext a builtin's run() receives, backed by the calling scope.
 * One per call; it must not be kept after the call's rows/value are done.
 */
import type { Span } from "../ast/types";
import type { Builtin, BuiltinContext, FileAccess, LogLevel, PluginLike, QueryArg, RunAs } from "../builtins/types";
import type { MaybePromise } from "../values/query";
import type { OrderedDict } from "../values/ordered-dict";
import { Binding, NOT_FOUND, type Scope } from "./scope";
import { materialize } from "./materialize";
import { truthyOf } from "./truth";
import { QueryArgImpl } from "./query-values";
import { evalLambdaText } from "./lambda";
import { importIntoRun, runTextInScope } from "./run-text";

/** What a call site contributes to its contexts (one object per site, shared by its calls). */
export interface CallSite {
  readonly name: string;
  readonly span: Span;
  /** Call-site id: the key of aggregate state. */
  readonly id: number;
}

export class CallContext implements BuiltinContext {
  constructor(
    readonly scope: Scope,
    private readonly at: CallSite,
  ) {}

  /** A context for a call site described inline. */
  static of(scope: Scope, name: string, span: Span, site: number): CallContext {
    return new CallContext(scope, { name, span, id: site });
  }

  get name(): string {
    return this.at.name;
  }

  get callSpan(): Span {
    return this.at.span;
  }

  get signal(): AbortSignal {
    return this.scope.run.signal;
  }

  get host(): unknown {
    return this.scope.run.host;
  }

  get files(): FileAccess | undefined {
    return this.scope.run.files;
  }

  get permissions(): ReadonlySet<string> | undefined {
    return this.scope.run.permissions;
  }

  log(level: LogLevel, message: string, span?: Span): void {
    this.scope.run.log(level, message, span ?? this.callSpan, level === "ERROR" ? "VQL3020" : undefined);
  }

  raiseAlert(a: { name: string; severity: string; eventData: Record<string, unknown>; clientId?: string }): void {
    this.scope.run.alert(a);
  }

  lookup(name: string): MaybePromise<unknown> {
    const v = this.scope.lookup(name);
    if (v === NOT_FOUND) return undefined;
    if (v instanceof Binding) return v.resolve(this.scope);
    return v;
  }

  scopeNames(): string[] {
    return this.scope.names();
  }

  now(): number {
    return this.scope.run.clock();
  }

  aggregate<T>(init: () => T): { value: T } {
    return this.scope.agg.slot(this.at.id, init);
  }

  runShared<T>(key: unknown, init: () => T): T {
    const shared = this.scope.run.shared;
    if (!shared.has(key)) shared.set(key, init());
    return shared.get(key) as T;
  }

  materialize(value: unknown): Promise<unknown> {
    return Promise.resolve(materialize(value, this.scope));
  }

  isTruthy(value: unknown): MaybePromise<boolean> {
    return truthyOf(value, this.scope);
  }

  toQuery(value: unknown): QueryArg {
    return new QueryArgImpl(value, this.scope);
  }

  evalLambda(source: string, args: unknown[], scopeValue?: unknown): Promise<unknown> {
    return Promise.resolve(evalLambdaText(source, args, scopeValue, this.scope, this.callSpan));
  }

  builtin(kind: "plugin" | "function", name: string): Builtin | undefined {
    const r = this.scope.run.registry;
    return (kind === "plugin" ? r.plugins : r.functions).get(name);
  }

  resolvePlugin(dottedName: string): PluginLike | undefined {
    return this.scope.run.resolvePlugin?.(dottedName);
  }

  builtins(): readonly Builtin[] {
    return this.scope.run.registry.all;
  }

  override(kind: "plugin" | "function", name: string, b: Builtin | undefined): void {
    this.scope.run.setOverride(kind, name, b);
  }

  importDefinitions(source: string): Promise<string[]> {
    return importIntoRun(source, this.scope);
  }

  runQuery(source: string, env?: OrderedDict | Record<string, unknown>, as?: RunAs): AsyncIterable<unknown> {
    return runTextInScope(source, env, as ? this.scope.withRun(this.scope.run.as(as)) : this.scope, this.callSpan);
  }
}
