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
import type { LogLevel, PluginLike } from "../builtins/types";
import type { OrderedDict, Row } from "../values/ordered-dict";
import { END } from "../values/query";
import { createCompileContext } from "./compiler";
import { compileLet } from "./let";
import { RunState, type LogEntry } from "./run-state";
import { Scope } from "./scope";
import { isAbortError } from "./stream";

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
  /** Dynamic plugins for dotted names (Artifact.Linux.Sys.Pslist). */
  resolvePlugin?: (dottedName: string) => PluginLike | undefined;
  /** Milliseconds since the epoch (now(), log times). */
  clock?: () => number;
}

export type VqlEvent =
  | { kind: "select-start"; statement: number; span: Span; comment?: string }
  | { kind: "row"; statement: number; row: Row }
  | { kind: "select-end"; statement: number; rows: number; truncated: boolean }
  | { kind: "log"; level: LogLevel; message: string; code?: string; span?: Span; time: number };

const BATCH_ROWS = 512;
const FLUSH_MS = 10;

/** The text of the block comments before a statement (notebooks render it as Markdown). */
export function blockCommentText(comments: readonly CommentToken[]): string | undefined {
  const parts = comments.filter((c) => c.style === "block").map((c) => c.text.slice(2, -2).trim());
  return parts.length ? parts.join("\n\n") : undefined;
}

function statementText(st: Statement): string {
  return st.kind === "select" ? printSelectFlat(st) : `LET ${st.name.raw}`;
}

function makeSignal(options: RunOptions, controller: AbortController): AbortSignal {
  const signals = [controller.signal];
  if (options.signal) signals.push(options.signal);
  if (options.timeoutMs !== undefined && options.timeoutMs > 0) signals.push(AbortSignal.timeout(options.timeoutMs));
  return signals.length === 1 ? controller.signal : AbortSignal.any(signals);
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
 * The batched form of runVql: the same events in arrays, for consumers that move many rows
 * (CLI, result storage). Batches are flushed at 512 rows, after 10 ms, and before waiting on
 * a slow row source.
 */
export async function* runVqlBatches(source: string | ParseResult, options: RunOptions): AsyncGenerator<VqlEvent[]> {
  const text = typeof source === "string" ? source : "";
  const parsed = typeof source === "string" ? parse(source) : source;
  const clock = options.clock ?? Date.now;
  const diagEvents: VqlEvent[] = parsed.diagnostics
    .filter((d) => d.severity !== "info")
    .map((d) => ({ kind: "log", level: d.severity === "error" ? "ERROR" : "WARN", message: d.message, code: d.code, span: d.span, time: clock() }));
  if (parsed.diagnostics.some((d) => d.severity === "error")) {
    yield diagEvents;
    return;
  }
  const controller = new AbortController();
  const signal = makeSignal(options, controller);
  const run = new RunState({
    registry: options.registry,
    signal,
    host: options.host,
    permissions: options.permissions,
    resolvePlugin: options.resolvePlugin,
    clock,
    text,
  });
  const cc = createCompileContext(options.registry);
  const batch: VqlEvent[] = diagEvents;
  const drain = () => {
    const logs = run.drainLogs();
    for (const l of logs) batch.push(l as LogEntry);
  };
  let scope = Scope.root(run, options.env);
  let timer: FlushTimer | null = null;
  let batchStart = performance.now();
  const takeBatch = (): VqlEvent[] => {
    timer?.cancel();
    timer = null;
    batchStart = performance.now();
    return batch.splice(0, batch.length);
  };
  try {
    for (let i = 0; i < parsed.statements.length; i++) {
      const st = parsed.statements[i]!;
      run.currentQuery = statementText(st);
      if (st.kind === "let") {
        const next = compileLet(st, cc)(scope);
        scope = next instanceof Promise ? await next : next;
        drain();
        continue;
      }
      const q = cc.compileQuery(st as SelectStatement);
      const start: VqlEvent = { kind: "select-start", statement: i, span: st.span };
      const comment = blockCommentText(st.comments);
      if (comment !== undefined) start.comment = comment;
      batch.push(start);
      const stream = q.open(scope);
      let rows = 0;
      let truncated = false;
      try {
        for (;;) {
          let r = stream.next();
          if (r instanceof Promise) {
            if (batch.length > 0) {
              drain();
              timer ??= flushTimer();
              const w = await Promise.race([r, timer.promise]);
              if (w === FLUSH) {
                yield takeBatch();
                r = await r;
              } else r = w;
            } else r = await r;
          }
          if (r === END) break;
          if (options.maxRows !== undefined && rows >= options.maxRows) {
            truncated = true;
            break;
          }
          drain();
          batch.push({ kind: "row", statement: i, row: r as Row });
          rows++;
          if (batch.length >= BATCH_ROWS || ((rows & 15) === 0 && performance.now() - batchStart > FLUSH_MS)) {
            yield takeBatch();
          }
        }
      } finally {
        await stream.close();
      }
      drain();
      batch.push({ kind: "select-end", statement: i, rows, truncated });
    }
  } catch (e) {
    drain();
    if (isAbortError(e, signal) || signal.aborted) {
      const timedOut = !options.signal?.aborted && !controller.signal.aborted;
      run.log(
        "ERROR",
        timedOut ? `query timed out after ${(options.timeoutMs ?? 0) / 1000}s` : "query cancelled",
        undefined,
        "VQL3014",
      );
    } else {
      const id = Math.random().toString(36).slice(2, 10);
      run.log("ERROR", `internal error ${id}: ${e instanceof Error ? e.message : String(e)}`, undefined, "VQL3099");
    }
    drain();
  } finally {
    timer?.cancel();
    controller.abort();
  }
  drain();
  if (batch.length) yield takeBatch();
}

/** Runs VQL text (or a parse result) and streams its events (contract API). */
export async function* runVql(source: string | ParseResult, options: RunOptions): AsyncGenerator<VqlEvent> {
  for await (const b of runVqlBatches(source, options)) {
    for (const e of b) yield e;
  }
}
