/**
 * RunState: what one runVql() call shares across all its statements: options, the log queue,
 * cancellation, cooperative yielding for long synchronous loops, and log de-duplication.
 * Builtins never see it directly (they get a BuiltinContext).
 */
import type { Span } from "../ast/types";
import { DIAGNOSTICS, formatMessage, type DiagnosticCode } from "../diagnostics";
import type { Registry } from "../builtins/registry";
import type { Builtin, FileAccess, FunctionBuiltin, LogLevel, PluginBuiltin, PluginLike } from "../builtins/types";
import { valueLimits, type VqlLimits } from "../values/limits";

export interface LogEntry {
  kind: "log";
  level: LogLevel;
  message: string;
  code?: string;
  span?: Span;
  time: number;
  /** Set on a permission denial (VQL3004): which builtin was refused for which permission, as data for the host's audit. */
  denied?: { builtin: string; permission: string };
}

/** An alert() that was not suppressed: goes out in order with the log lines, as its own event. */
export interface AlertEntry {
  kind: "alert";
  name: string;
  severity: string;
  eventData: Record<string, unknown>;
  /** alert(client_id=...): whom a server query's alert is about. */
  clientId?: string;
  time: number;
}

/** Same message logged more than this many times in one run is suppressed. */
const MAX_REPEATS = 10;
/** Longest stretch of synchronous work before yielding to the event loop. */
const SLICE_MS = 40;

export interface RunStateOptions {
  registry: Registry;
  signal: AbortSignal;
  host?: unknown;
  files?: FileAccess;
  permissions?: ReadonlySet<string>;
  resolvePlugin?: (dottedName: string) => PluginLike | undefined;
  clock?: () => number;
  text: string;
  /** Caps for this run (unset ones: this thread's, see values/limits.ts). */
  limits?: Partial<VqlLimits>;
}

function positive(l: Partial<VqlLimits>): Partial<VqlLimits> {
  const out: Partial<VqlLimits> = {};
  for (const [k, v] of Object.entries(l)) if (typeof v === "number" && v > 0) out[k as keyof VqlLimits] = v;
  return out;
}

/** What RunState.logged() resolves with. */
export const LOGGED = Symbol("logged");

export class RunState {
  readonly registry: Registry;
  readonly signal: AbortSignal;
  readonly host: unknown;
  readonly files: FileAccess | undefined;
  readonly permissions: ReadonlySet<string> | undefined;
  readonly resolvePlugin: ((dottedName: string) => PluginLike | undefined) | undefined;
  readonly clock: () => number;
  readonly text: string;
  /** The caps of this run (a materialised LET's rows and bytes). */
  readonly limits: Readonly<VqlLimits>;
  readonly logs: Array<LogEntry | AlertEntry> = [];
  /** Resolves the pending logged() promise. */
  private wakeLogged: (() => void) | undefined;
  private loggedPromise: Promise<typeof LOGGED> | undefined;
  /** BuiltinContext.runShared(): state kept for the whole run (fifo() windows). */
  readonly shared = new Map<unknown, unknown>();
  /** Text of the statement being run (for `Stack Overflow: <query>`). */
  currentQuery = "";
  /**
   * BuiltinContext.override() (mock()): builtins replaced for the rest of this run, by name;
   * undefined until the first override, so call sites pay one property check.
   */
  overrides: { plugin: Map<string, PluginBuiltin>; function: Map<string, FunctionBuiltin> } | undefined;
  /**
   * BuiltinContext.importDefinitions() (import()): LET definitions added to the root of every
   * scope of this run, seen where no frame defines the name; undefined until the first import.
   */
  imports: Map<string, unknown> | undefined;
  /** Set when `signal` aborts. */
  private aborted = false;
  private counts = new Map<string, number>();
  private ticks = 0;
  private sliceStart = performance.now();

  constructor(o: RunStateOptions) {
    this.registry = o.registry;
    this.signal = o.signal;
    this.host = o.host;
    this.files = o.files;
    this.permissions = o.permissions;
    this.resolvePlugin = o.resolvePlugin;
    this.clock = o.clock ?? Date.now;
    this.text = o.text;
    this.limits = o.limits ? { ...valueLimits(), ...positive(o.limits) } : valueLimits();
    if (o.signal.aborted) this.aborted = true;
    else o.signal.addEventListener("abort", () => (this.aborted = true), { once: true });
  }

  /**
   * This run as another host and permissions (an artifact's `impersonate`): an object whose
   * prototype is this run, so logs, counts, limits, overrides and the abort state stay this
   * run's; only `host` and `permissions` differ.
   */
  as(o: { host: unknown; permissions: ReadonlySet<string> }): RunState {
    return Object.create(this, { host: { value: o.host }, permissions: { value: o.permissions } }) as RunState;
  }

  /** The plugin that replaces `name` (a registry name or a dotted `Artifact.X`) in this run. */
  overridePlugin(name: string): PluginBuiltin | undefined {
    return this.overrides?.plugin.get(name);
  }

  /** The function that replaces `name` in this run. */
  overrideFunction(name: string): FunctionBuiltin | undefined {
    return this.overrides?.function.get(name);
  }

  /** Replaces (or, with undefined, restores) a builtin for the rest of this run. */
  setOverride(kind: "plugin" | "function", name: string, b: Builtin | undefined): void {
    const o = (this.overrides ??= { plugin: new Map(), function: new Map() });
    const table = o[kind] as Map<string, Builtin>;
    if (b === undefined) table.delete(name);
    else if (b.kind !== kind) throw new Error(`override: ${name} must be a ${kind}`);
    else table.set(name, b);
  }

  log(level: LogLevel, message: string, span?: Span, code?: string): void {
    const key = `${level}\u0000${code ?? ""}\u0000${message}\u0000${span?.start ?? ""}`;
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    if (n > MAX_REPEATS + 1) return;
    const entry: LogEntry = { kind: "log", level, message, time: this.clock() };
    if (n === MAX_REPEATS + 1) entry.message = `${message} (repeated messages suppressed)`;
    if (code !== undefined) entry.code = code;
    if (span !== undefined) entry.span = span;
    this.logs.push(entry);
    const wake = this.wakeLogged;
    if (wake) {
      this.wakeLogged = undefined;
      this.loggedPromise = undefined;
      wake();
    }
  }

  /** Queues a raised alert (never repeat-suppressed: alert() deduplicates by name itself). */
  alert(a: Omit<AlertEntry, "kind" | "time">): void {
    this.logs.push({ kind: "alert", ...a, time: this.clock() });
    const wake = this.wakeLogged;
    if (wake) {
      this.wakeLogged = undefined;
      this.loggedPromise = undefined;
      wake();
    }
  }

  /**
   * Resolves with LOGGED at the next log line: the run loop races it with a row that is not
   * ready, so that an event plugin's log lines reach the consumer when they are written.
   */
  logged(): Promise<typeof LOGGED> {
    return (this.loggedPromise ??= new Promise((resolve) => (this.wakeLogged = () => resolve(LOGGED))));
  }

  /** Logs a catalogue diagnostic (engine/vql/diagnostics.ts): level from its severity. */
  report(code: DiagnosticCode, args: readonly string[], span?: Span): void {
    const sev = DIAGNOSTICS[code].severity;
    this.log(sev === "error" ? "ERROR" : sev === "warning" ? "WARN" : "INFO", formatMessage(code, args), span, code);
  }

  /** Logs a permission denial (VQL3004) with what was denied attached, for the host to audit. */
  deny(builtin: string, permission: string, span?: Span): void {
    const before = this.logs.length;
    this.report("VQL3004", [builtin, permission], span);
    const entry = this.logs.length > before ? this.logs[this.logs.length - 1] : undefined;
    if (entry?.kind === "log") entry.denied = { builtin, permission };
  }

  /** Takes the queued log entries. */
  drainLogs(): Array<LogEntry | AlertEntry> {
    if (this.logs.length === 0) return [];
    return this.logs.splice(0, this.logs.length);
  }

  /**
   * Called in every loop that may spin synchronously. Throws when aborted; every 1024 calls it
   * checks the clock and returns a Promise (a macrotask turn) once a slice is used up, so
   * timers (timeout) and other work can run. Returns undefined otherwise.
   */
  tick(): Promise<void> | undefined {
    if ((++this.ticks & 1023) !== 0) return undefined;
    // The flag, not the signal: AbortSignal objects differ in hidden class from one run to the
    // next, and a property check on them here would deoptimise every loop that inlines tick().
    if (this.aborted) this.signal.throwIfAborted();
    const now = performance.now();
    if (now - this.sliceStart < SLICE_MS) return undefined;
    return this.yieldNow();
  }

  /** Yields to the event loop now (a macrotask turn). */
  yieldNow(): Promise<void> {
    return new Promise<void>((resolve) => setTimeout(resolve, 0)).then(() => {
      this.sliceStart = performance.now();
      this.signal.throwIfAborted();
    });
  }

  /** Called when the consumer awaited anyway (the event loop turned). */
  noteYielded(): void {
    this.sliceStart = performance.now();
  }
}
