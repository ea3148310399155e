/**
 * runVql: parses (or takes a parse result), compiles each statement to closures once, and runs
 * the statements in order, streaming VqlEvents. Parse errors run nothing. Cancellation
 * (options.signal), timeout (options.timeoutMs) and consumer `break` all abort the run's signal,
 * which every builtin sees; open row streams are closed so producers' `finally` blocks run.
 */
import type { CommentToken, ParseResult, SelectStatement, Span, Statement } from "../ast/types";
import { printSelectFlat } from "../ast/print";
import { parse } from "../parser/index";
import type { Registry } from "../builtins/registry";
import type { FileAccess, LogLevel, PluginLike } from "../builtins/types";
import type { OrderedDict, Row } from "../values/ordered-dict";
import { END, type RowStream } from "../values/query";
import { VqlLimitError, type VqlLimits } from "../values/limits";
import { createCompileContext } from "./compiler";
import { compileLet } from "./let";
import { LOGGED, RunState, type AlertEntry, type LogEntry } from "./run-state";
import { Scope } from "./scope";
import { FILLED, isAbortError, isBulkStream, type BulkRowStream } from "./stream";

export interface RunOptions {
  registry: Registry;
  /** Initial scope variables (artifact parameters, notebook env). */
  env?: Record<string, unknown> | OrderedDict;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Rows per SELECT; more rows are dropped and the select-end event says truncated. */
  maxRows?: number;
  /** The caller's permissions; undefined = unrestricted. */
  permissions?: ReadonlySet<string>;
  /** Opaque services object handed to builtins as ctx.host. */
  host?: unknown;
  /** File reading for the portable parsers' file accessors (ctx.files). */
  files?: FileAccess;
  /** Dynamic plugins for dotted names (Artifact.Linux.Sys.Pslist). */
  resolvePlugin?: (dottedName: string) => PluginLike | undefined;
  /** Milliseconds since the epoch (now(), log times). */
  clock?: () => number;
  /** Caps for this run (a materialised LET's rows and bytes); unset ones are this thread's (setValueLimits). */
  limits?: Partial<VqlLimits>;
}

export type VqlEvent =
  | { kind: "select-start"; statement: number; span: Span; comment?: string }
  | { kind: "row"; statement: number; row: Row }
  | { kind: "select-end"; statement: number; rows: number; truncated: boolean }
  /** `denied`: a builtin refused for a missing permission (VQL3004), for the host's audit log. */
  | { kind: "log"; level: LogLevel; message: string; code?: string; span?: Span; time: number; denied?: { builtin: string; permission: string } }
  /** alert() raised (and did not suppress) an alert: the host routes it to Server.Internal.Alerts. */
  | { kind: "alert"; name: string; severity: string; eventData: Record<string, unknown>; clientId?: string; time: number };

const BATCH_ROWS = 512;
const FULL: unique symbol = Symbol("full");
const LOGS: unique symbol = Symbol("logs");

/**
 * Pulls a SELECT's rows synchronously into the pending chunk until it is full, the source must
 * be awaited (a Promise is returned), logs must be emitted first, or the rows end. Kept out of
 * the async generator so the hot loop is an ordinary optimisable function.
 */
class Pump {
  rows = 0;
  truncated = false;
  private held: unknown = END;
  private since = performance.now();
  constructor(
    readonly stream: RowStream,
    private readonly maxRows: number,
    private readonly run: RunState,
  ) {}

  fill(pending: Row[], max: number): typeof FULL | typeof LOGS | typeof END | Promise<unknown> {
    if (this.held !== END) {
      const h = this.held;
      this.held = END;
      if (this.accept(h, pending) === END) return END;
    }
    if (pending.length === 0) this.since = performance.now();
    const stream = this.stream;
    if (isBulkStream(stream)) return this.fillBulk(stream, pending, max);
    for (;;) {
      if (pending.length >= max) return FULL;
      if ((pending.length & 63) === 63 && performance.now() - this.since > FLUSH_MS) return FULL;
      const r = stream.next();
      if (r instanceof Promise) return r;
      if (r === END) return END;
      if (this.run.logs.length !== 0) {
        this.held = r;
        return LOGS;
      }
      if (this.accept(r, pending) === END) return END;
    }
  }

  /** fill() over a stream that appends rows itself, up to 64 between clock checks. */
  private fillBulk(stream: BulkRowStream, pending: Row[], max: number): typeof FULL | typeof LOGS | typeof END | Promise<unknown> {
    for (;;) {
      if (pending.length >= max) return FULL;
      const before = pending.length;
      // One row more than the limit allows tells that the result is truncated.
      const room = Math.min(max - before, 64, this.maxRows - this.rows + 1);
      const r = stream.fill(pending, room, this.run.logs);
      this.rows += pending.length - before;
      if (this.rows > this.maxRows) {
        pending.length -= this.rows - this.maxRows;
        this.rows = this.maxRows;
        this.truncated = true;
        return END;
      }
      if (r === FILLED) {
        if (performance.now() - this.since > FLUSH_MS) return FULL;
        continue;
      }
      if (r === END) return END;
      if (r instanceof Promise) return r;
      this.held = r;
      return LOGS;
    }
  }

  /** Adds one row (or notes the end / the row limit). */
  accept(r: unknown, pending: Row[]): unknown {
    if (r === END) return END;
    if (this.rows >= this.maxRows) {
      this.truncated = true;
      return END;
    }
    pending.push(r as Row);
    this.rows++;
    return r;
  }
}
const FLUSH_MS = 10;

/** The text of the block comments before a statement (notebooks render it as Markdown). */
export function blockCommentText(comments: readonly CommentToken[]): string | undefined {
  const parts = comments.filter((c) => c.style === "block").map((c) => c.text.slice(2, -2).trim());
  return parts.length ? parts.join("\n\n") : undefined;
}

function statementText(st: Statement): string {
  return st.kind === "select" ? printSelectFlat(st) : `LET ${st.name.raw}`;
}

/**
 * The run's signal: its own controller, the caller's signal, and the timeout. The timeout is a
 * timer aborting a controller it holds strongly, not AbortSignal.timeout(): inside
 * AbortSignal.any() Node 20 keeps only a weak reference to a timeout signal, so under memory
 * pressure it is collected and the query never times out (nodejs/node#57736).
 */
function makeSignal(options: RunOptions, controller: AbortController): { signal: AbortSignal; clear(): void } {
  const signals = [controller.signal];
  if (options.signal) signals.push(options.signal);
  let id: ReturnType<typeof setTimeout> | undefined;
  if (options.timeoutMs !== undefined && options.timeoutMs > 0) {
    const deadline = new AbortController();
    id = setTimeout(() => deadline.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")), options.timeoutMs);
    signals.push(deadline.signal);
  }
  return { signal: signals.length === 1 ? controller.signal : AbortSignal.any(signals), clear: () => clearTimeout(id) };
}

interface FlushTimer {
  promise: Promise<typeof FLUSH>;
  cancel(): void;
}
const FLUSH: unique symbol = Symbol("flush");

function flushTimer(): FlushTimer {
  let id: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<typeof FLUSH>((resolve) => (id = setTimeout(() => resolve(FLUSH), FLUSH_MS)));
  return { promise, cancel: () => clearTimeout(id) };
}

/**
 * A piece of a run's output: the contract's events, except that consecutive rows of one SELECT
 * come as one `rows` chunk (runVqlChunks). runVql expands them into `row` events.
 */
export type VqlChunk = Exclude<VqlEvent, { kind: "row" }> | { kind: "rows"; statement: number; rows: Row[] };

/**
 * The chunked form of runVql, for consumers that move many rows (CLI, result storage): rows
 * arrive in `rows` chunks of up to 512, flushed after 10 ms and before waiting on a slow source.
 */
export async function* runVqlChunks(source: string | ParseResult, options: RunOptions): AsyncGenerator<VqlChunk> {
  const text = typeof source === "string" ? source : "";
  const parsed = typeof source === "string" ? parse(source) : source;
  const clock = options.clock ?? Date.now;
  for (const d of parsed.diagnostics) {
    if (d.severity === "info") continue;
    yield { kind: "log", level: d.severity === "error" ? "ERROR" : "WARN", message: d.message, code: d.code, span: d.span, time: clock() };
  }
  if (parsed.diagnostics.some((d) => d.severity === "error")) return;
  const controller = new AbortController();
  const { signal, clear: clearDeadline } = makeSignal(options, controller);
  const run = new RunState({
    registry: options.registry,
    signal,
    host: options.host,
    files: options.files,
    permissions: options.permissions,
    resolvePlugin: options.resolvePlugin,
    clock,
    text,
    limits: options.limits,
  });
  const cc = createCompileContext(options.registry);
  let scope = Scope.root(run, options.env);
  let timer: FlushTimer | null = null;
  let pending: Row[] = [];
  let pendingStatement = -1;
  let chunkStart = performance.now();
  const maxRows = options.maxRows ?? Infinity;
  /** Queued output: logs first (they happened before the rows that follow them). */
  const out: VqlChunk[] = [];
  const takeRows = (): void => {
    if (pending.length) out.push({ kind: "rows", statement: pendingStatement, rows: pending });
    pending = [];
    timer?.cancel();
    timer = null;
    chunkStart = performance.now();
  };
  const drainLogs = (): void => {
    if (run.logs.length === 0) return;
    takeRows();
    for (const l of run.drainLogs()) out.push(l as LogEntry | AlertEntry);
  };
  try {
    for (let i = 0; i < parsed.statements.length; i++) {
      const st = parsed.statements[i]!;
      run.currentQuery = statementText(st);
      if (st.kind === "let") {
        const next = compileLet(st, cc)(scope);
        scope = next instanceof Promise ? await next : next;
        drainLogs();
        while (out.length) yield out.shift()!;
        continue;
      }
      const q = cc.compileQuery(st as SelectStatement);
      const start: VqlChunk = { kind: "select-start", statement: i, span: st.span };
      const comment = blockCommentText(st.comments);
      if (comment !== undefined) start.comment = comment;
      out.push(start);
      pendingStatement = i;
      const pump = new Pump(q.open(scope), maxRows, run);
      let finished = false;
      try {
        for (;;) {
          const status = pump.fill(pending, BATCH_ROWS);
          if (status === FULL) {
            takeRows();
            while (out.length) yield out.shift()!;
            continue;
          }
          if (status === LOGS) {
            drainLogs();
            continue;
          }
          if (status === END) break;
          // The next row is not ready: flush what we have (after 10 ms at the latest) and wait.
          // (A consumer that stops meanwhile abandons `status`; its rejection is expected.)
          status.catch(() => undefined);
          drainLogs();
          let r: unknown;
          if (pending.length > 0) {
            timer ??= flushTimer();
            const w = await Promise.race([status, timer.promise]);
            if (w === FLUSH) {
              takeRows();
              while (out.length) yield out.shift()!;
              r = await status;
            } else r = w;
          } else {
            while (out.length) yield out.shift()!;
            // Log lines written while the source waits (an event plugin) go out as they come.
            for (;;) {
              const w = await Promise.race([status, run.logged()]);
              if (w !== LOGGED) {
                r = w;
                break;
              }
              drainLogs();
              while (out.length) yield out.shift()!;
            }
          }
          if (run.logs.length !== 0) drainLogs();
          if (pump.accept(r, pending) === END) break;
          if (pending.length >= BATCH_ROWS || performance.now() - chunkStart > FLUSH_MS) {
            takeRows();
            while (out.length) yield out.shift()!;
          }
        }
        finished = true;
      } finally {
        // Leaving early (consumer break, error): tell every producer first, then close.
        if (!finished) controller.abort();
        await pump.stream.close();
      }
      const rows = pump.rows;
      const truncated = pump.truncated;
      drainLogs();
      takeRows();
      out.push({ kind: "select-end", statement: i, rows, truncated });
      while (out.length) yield out.shift()!;
    }
  } catch (e) {
    drainLogs();
    takeRows();
    if (e instanceof VqlLimitError) {
      run.report("VQL3016", [e.message]);
    } else if (isAbortError(e, signal) || signal.aborted) {
      const reason = signal.reason as { name?: string } | undefined;
      const timedOut = reason?.name === "TimeoutError";
      run.report("VQL3014", [timedOut ? (options.timeoutMs ? `query timed out after ${options.timeoutMs / 1000}s` : "query timed out") : "query cancelled"]);
    } else {
      const id = Math.random().toString(36).slice(2, 10);
      run.report("VQL3099", [id, e instanceof Error ? e.message : String(e)]);
    }
  } finally {
    timer?.cancel();
    clearDeadline();
    controller.abort();
  }
  drainLogs();
  takeRows();
  while (out.length) yield out.shift()!;
}

/** Runs VQL text (or a parse result) and streams its events (contract API). */
export async function* runVql(source: string | ParseResult, options: RunOptions): AsyncGenerator<VqlEvent> {
  for await (const c of runVqlChunks(source, options)) {
    if (c.kind !== "rows") yield c;
    else for (const row of c.rows) yield { kind: "row", statement: c.statement, row };
  }
}
