// profile(): Velociraptor's "profile dump from the running process" over Node.js. File
// profiles yield {Type, Line, FullPath, OSPath} (dumps.ts says which Node profile each name
// maps to); logs, queries and metrics yield their rows with `Profile` set, as Velociraptor's
// profile writers do. `type` is a regex of those writer names. block and mutex have no Node
// equivalent (one JavaScript thread, no mutexes): a log line says so.
import { arg, compileRegex, definePlugin, isRegexError, untilAborted, type BuiltinContext } from "@/engine/vql";
import { diagnosticsOf } from "@/engine/endpoint/diagnostics/diagnostics";
import { cpuProfile, diagnosticReport, heapSnapshot, heapStatistics, removeAtEnd, traceEvents } from "./dumps";

type Row = Record<string, unknown>;

async function fileRow(ctx: BuiltinContext, type: string, line: string, make: () => string | Promise<string>): Promise<Row | undefined> {
  try {
    const path = await make();
    removeAtEnd(ctx, path);
    return { Type: type, Line: line, FullPath: path, OSPath: path };
  } catch (err) {
    ctx.signal.throwIfAborted();
    ctx.log("ERROR", `profile: ${type}: ${(err as Error).message}`);
    return undefined;
  }
}

/** The rows of one named writer (logs, queries, metrics). */
async function* writer(ctx: BuiltinContext, name: string): AsyncGenerator<Row> {
  const d = diagnosticsOf(ctx.host);
  if (name === "logs") {
    for (const l of await untilAborted(Promise.resolve(d.logs(0)), ctx.signal)) yield { Type: "logs", Line: `${l.time} ${l.level} ${l.msg}`, Profile: "logs" };
  } else if (name === "queries") {
    for (const q of await untilAborted(Promise.resolve(d.queries()), ctx.signal)) yield { Type: "queries", Line: { Start: q.Start, Duration: q.Duration, Query: q.Query }, Profile: "queries" };
  } else {
    for (const m of await untilAborted(Promise.resolve(d.metrics()), ctx.signal)) yield { ...m, Profile: "metrics" };
  }
}

export const profilePlugin = definePlugin({
  name: "profile",
  category: "developer",
  doc: "Returns a profile dump from the running process: V8 CPU profile (`profile`), heap snapshot (`heap`), heap statistics (`allocs`), diagnostic report (`goroutine`), trace events (`trace`) as temp files (OSPath), and recent logs, queries and metrics as rows.",
  args: {
    allocs: arg.bool().doc("A sampling of all past memory allocations (Node: V8 heap and heap-space statistics, JSON)."),
    block: arg.bool().doc("Stack traces that led to blocking on synchronization primitives (no Node equivalent: logged)."),
    goroutine: arg.bool().doc("Stack traces of all current goroutines (Node: a process.report diagnostic report, JSON)."),
    heap: arg.bool().doc("A sampling of memory allocations of live objects (Node: a V8 heap snapshot)."),
    mutex: arg.bool().doc("Stack traces of holders of contended mutexes (no Node equivalent: logged)."),
    profile: arg.bool().doc("CPU profile (Node: a V8 .cpuprofile over `duration` seconds)."),
    trace: arg.bool().doc("CPU trace (Node: trace events over `duration` seconds, chrome://tracing JSON)."),
    debug: arg.int().doc("Debug level (accepted; Node's profiles have one format)."),
    logs: arg.bool().doc("Recent logs."),
    queries: arg.bool().doc("Recent Queries run."),
    metrics: arg.bool().doc("Collect metrics."),
    duration: arg.int().doc("Duration of samples (default 30 sec)."),
    type: arg.string().doc("The type of profile (this is a regex of debug output types that will be shown: logs, queries, metrics)."),
  },
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  version: 2,
  async *run(a, ctx) {
    const seconds = a.duration || 30;
    const files: Array<[boolean | undefined, string, string, () => string | Promise<string>]> = [
      [a.allocs, "allocs", "Generating profile allocs", heapStatistics],
      [a.goroutine, "goroutine", "Generating profile goroutine", diagnosticReport],
      [a.heap, "heap", "Generating profile heap", heapSnapshot],
      [a.profile, "profile", "Generating CPU profile", () => cpuProfile(seconds, ctx.signal)],
      [a.trace, "trace", "Generating Trace profile", () => traceEvents(seconds, ctx.signal)],
    ];
    if (a.block) ctx.log("INFO", "profile: block profiles have no Node.js equivalent (one JavaScript thread)");
    if (a.mutex) ctx.log("INFO", "profile: mutex profiles have no Node.js equivalent (one JavaScript thread)");
    for (const [wanted, type, line, make] of files) {
      if (!wanted) continue;
      ctx.signal.throwIfAborted();
      const row = await fileRow(ctx, type, line, make);
      if (row) yield row;
    }
    const types = [a.type, a.metrics && "metrics", a.logs && "logs", a.queries && "queries"].filter((t): t is string => !!t);
    if (!types.length) return;
    const re = compileRegex(`^(?:${types.join("|")})$`, { caseInsensitive: true });
    if (isRegexError(re)) {
      ctx.log("ERROR", `profile: ${re.error}`);
      return;
    }
    for (const name of ["metrics", "logs", "queries"]) {
      if (!re.test(name)) continue;
      try {
        for await (const row of writer(ctx, name)) {
          ctx.signal.throwIfAborted();
          yield row;
        }
      } catch (err) {
        ctx.signal.throwIfAborted();
        ctx.log("ERROR", `profile: ${name}: ${(err as Error).message}`);
      }
    }
  },
});
