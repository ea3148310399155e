/**
 * Shapes shared by builtins and the evaluator: the builtin definitions, the context handed to
 * run(), and the lazy/query argument objects. No behaviour here.
 */
import type { Span } from "../ast/types";
import type { MaybePromise, RowStream } from "../values/query";
import type { OrderedDict } from "../values/ordered-dict";
import type { AnyArgSpec, ArgSchema, InferArgs } from "./arg";

export type LogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR";
export type Platform = "portable" | "server" | "client";

/** A row-producing value passed to a `query()` argument. */
export interface QueryArg {
  /** The value as given (a stored query, list, dict or scalar). */
  readonly value: unknown;
  /**
   * Streams the rows. For a stored query, `vars` are pushed as a scope layer on top of the
   * calling scope (foreach uses this to run its body per row). Breaking out of the loop stops
   * the query (its producers' `finally` blocks run).
   */
  rows(vars?: OrderedDict | Record<string, unknown>): AsyncIterable<unknown>;
  /**
   * The same rows as a maybe-sync RowStream (values/query.ts): a fast path for plugins that
   * return a RowStream themselves. The caller must close() it.
   */
  stream(vars?: OrderedDict | Record<string, unknown>): RowStream;
  /** True when the value is a query (not a list or scalar). */
  readonly isQuery: boolean;
  /**
   * A fast path for bodies run once per row: when the value is a query that yields exactly one
   * row without calling a plugin (`SELECT ... FROM scope()`), that row (or a Promise of it)
   * computed as stream(vars) would, or END when it yields none (nesting too deep); undefined
   * when the value is not such a query (then use stream()).
   */
  one?(vars?: OrderedDict | Record<string, unknown>): MaybePromise<unknown> | undefined;
}

/** An argument that the evaluator did not evaluate before the call (`arg.lazy()`). */
export interface LazyArg {
  /** Evaluates the expression in the caller's scope (each call evaluates again). */
  value(): MaybePromise<unknown>;
}

/** What run() receives besides its arguments. Valid for the duration of the call. */
/**
 * File reading for the portable parsers (parse_lines, split_records, parse_csv...) when their
 * accessor reads files (`auto`, `file`): given by a host that may read this machine's files (the
 * agent, behind its protected paths). Without it those parsers log that they cannot.
 */
export interface FileAccess {
  read(path: string, opts: { signal: AbortSignal }): AsyncIterable<Uint8Array>;
}

export interface BuiltinContext {
  /** The builtin's name as called. */
  readonly name: string;
  /** Aborted on cancel, timeout or LIMIT; pass it to every await that supports it. */
  readonly signal: AbortSignal;
  /** Opaque services object from RunOptions.host (server/agent put theirs here). */
  readonly host: unknown;
  /** The caller's permissions (undefined = unrestricted). */
  readonly permissions: ReadonlySet<string> | undefined;
  /** How the portable parsers read files; undefined where no file may be read. */
  readonly files: FileAccess | undefined;
  /** Span of the call in the source text. */
  readonly callSpan: Span;
  /** Writes to the query log (with the call span unless another span is given). */
  log(level: LogLevel, message: string, span?: Span): void;
  /** Sends a raised alert out of the run, in order with its log lines (alert() calls it). */
  raiseAlert(a: { name: string; severity: string; eventData: Record<string, unknown>; clientId?: string }): void;
  /**
   * A variable of the calling scope; undefined when not defined. A lazy `LET X = expr` is
   * evaluated, which may give a Promise.
   */
  lookup(name: string): MaybePromise<unknown>;
  /** Names of all variables visible in the calling scope, innermost first. */
  scopeNames(): string[];
  /** Milliseconds since the epoch from RunOptions.clock. */
  now(): number;
  /** State of this call site in the current aggregate context (count(), sum(), ...). */
  aggregate<T>(init: () => T): { value: T };
  /**
   * State shared by every call of this run, across statements (Velociraptor's root-scope
   * cache): the value kept under `key` (compared by identity), made by `init()` on first use.
   * It lasts until the run ends, which aborts `signal`; work started for it must stop then,
   * and may use this context's run-wide parts (`signal`, `now()`, `log()`) until then.
   */
  runShared<T>(key: unknown, init: () => T): T;
  /** Forces lazy values and expands stored queries (deeply) into lists of rows. */
  materialize(value: unknown): Promise<unknown>;
  /** Truthiness; a stored query is truthy when it yields a row. */
  isTruthy(value: unknown): MaybePromise<boolean>;
  /** Turns any value into a row source (what a `query()` argument receives). */
  toQuery(value: unknown): QueryArg;
  /**
   * Evaluates a lambda string (`x => x + 1`, `a, b => a + b`) with the given parameter values;
   * parameters not given resolve from `scopeValue` members, then the calling scope.
   */
  evalLambda(source: string, args: unknown[], scopeValue?: unknown): Promise<unknown>;
  /** The builtin of this run's registry with that kind and name (version() reads it). */
  builtin(kind: "plugin" | "function", name: string): Builtin | undefined;
  /** Every builtin of this run's registry, in registration order (help() lists them). */
  builtins(): readonly Builtin[];
  /** A dotted plugin name (`Artifact.X`) as this run resolves it (RunOptions.resolvePlugin); undefined when unknown. */
  resolvePlugin?(dottedName: string): PluginLike | undefined;
  /**
   * Replaces the plugin or function `name` for the rest of this run (mock()): every later call
   * in this run, in nested query() text and called artifacts too, runs `b` instead, whatever
   * scope it is in (Velociraptor puts mocks on the root scope). A plugin name may be a dotted
   * `Artifact.X`. `undefined` puts the original back.
   */
  override(kind: "plugin" | "function", name: string, b: Builtin | undefined): void;
  /**
   * Runs VQL text's statements in the calling scope (import(): an artifact's `export`) and adds
   * the LETs it defines to the root scope of this run: later statements, and the rest of this
   * one, see them wherever no nearer scope defines the name. Rows of its SELECTs are dropped.
   * Returns the names defined; a parse error rejects with its message.
   */
  importDefinitions(source: string): Promise<string[]>;
  /**
   * Runs VQL text in a fresh child scope with `env` variables; rows of every SELECT. With `as`,
   * the text runs with that host and those permissions instead of the run's (an artifact's
   * `impersonate`); logs, limits and the abort signal stay the run's.
   */
  runQuery(source: string, env?: OrderedDict | Record<string, unknown>, as?: RunAs): AsyncIterable<unknown>;
}

/** Who VQL text runs as (BuiltinContext.runQuery's `as`). */
export interface RunAs {
  host: unknown;
  permissions: ReadonlySet<string>;
}

interface BuiltinMeta<A extends ArgSchema> {
  name: string;
  doc: string;
  category: string;
  args: A;
  /** Free-form arguments (dict(), chain()...): any other name is accepted with this type. */
  rest?: AnyArgSpec;
  /** Permissions the caller must hold (checked by the evaluator before run()). */
  permissions?: string[];
  platforms?: Platform[];
  version?: number;
  /**
   * The result depends on more than the arguments at the moment of the call (the scope, the
   * time, an aggregate context, randomness): a column's value computed for WHERE or GROUP BY is
   * then computed again where the row is built, instead of being reused.
   */
  impure?: boolean;
  /**
   * Changes something outside the query (labels, collections, artifacts, event tables,
   * notebooks, metadata, published events, outbound messages). Backtests and other dry runs
   * replace such builtins with recorders of what they would have done.
   */
  sideEffects?: boolean;
}

export interface PluginDefinition<A extends ArgSchema = ArgSchema> extends BuiltinMeta<A> {
  run(
    args: InferArgs<A>,
    ctx: BuiltinContext,
    rest: [string, unknown][],
  ): AsyncIterable<unknown> | Iterable<unknown> | RowStream;
}

export interface FunctionDefinition<A extends ArgSchema = ArgSchema> extends BuiltinMeta<A> {
  /**
   * Computes the value. A run() that declares no `ctx` parameter (`run({ x }) {...}`, so
   * `run.length < 2`) is called without a context, which spares the evaluator building one per
   * call; read `ctx` and `rest` only through declared parameters, never `arguments` or `...`.
   */
  run(args: InferArgs<A>, ctx: BuiltinContext, rest: [string, unknown][]): MaybePromise<unknown>;
  /** Value returned when the arguments are invalid (Velociraptor returns FALSE for some). */
  argErrorValue?: unknown;
  /**
   * Optional second entry point: run() as a function of the first declared argument alone
   * (already coerced). Only for a builtin whose run() is a pure synchronous function of that
   * argument and whose other arguments have no defaults: a call that passes just that argument
   * then builds neither an argument object nor a context. Write run() in terms of it.
   */
  unary?: (value: never) => unknown;
  /**
   * Optional second entry point of an aggregate: its state kept per call site in the current
   * aggregate context (`init()` makes it), and `step(state, value)` with the first declared
   * argument (already coerced; undefined when the call passes none). Only when run() does
   * exactly this through `ctx.aggregate(init)` and the other arguments have no defaults: calls
   * then build neither an argument object nor a context.
   */
  aggregate?: AggregateEntry;
}

/** See FunctionDefinition.aggregate. */
export interface AggregateEntry {
  init(): unknown;
  step(state: { value: never }, value: never): unknown;
}

export interface PluginBuiltin extends PluginDefinition<ArgSchema> {
  readonly kind: "plugin";
  readonly platforms: Platform[];
}

export interface FunctionBuiltin extends FunctionDefinition<ArgSchema> {
  readonly kind: "function";
  readonly platforms: Platform[];
}

export type Builtin = PluginBuiltin | FunctionBuiltin;

/** What RunOptions.resolvePlugin returns for dotted plugin names (Artifact.X.Y). */
export type PluginLike = PluginBuiltin;
