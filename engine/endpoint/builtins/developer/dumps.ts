// The profiles profile() writes to temp files, each the closest Node.js equivalent of a Go pprof
// profile: a V8 CPU profile (.cpuprofile, node:inspector Profiler) for `profile`, a V8 heap
// snapshot for `heap`, V8's heap statistics for `allocs`, trace events (node:inspector
// NodeTracing) for `trace`, and a diagnostic report (process.report) for `goroutine`. Each
// works in the thread that calls it (a query worker profiles itself). Files are removed when
// the query ends (removeAtEnd).
import { Session } from "node:inspector/promises";
import { randomBytes } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getHeapSpaceStatistics, getHeapStatistics, writeHeapSnapshot } from "node:v8";
import { abortableDelay, type BuiltinContext } from "@/engine/vql";

const TEMP = Symbol("profile temp files");

export function tempPath(ext: string): string {
  return join(tmpdir(), `tmp${randomBytes(6).toString("hex")}${ext}`);
}

/** Removes `path` when the query's run ends (its signal aborts). */
export function removeAtEnd(ctx: BuiltinContext, path: string): void {
  const set = ctx.runShared(TEMP, () => {
    const paths = new Set<string>();
    const removeAll = () => {
      for (const p of paths) void rm(p, { force: true }).catch(() => {});
    };
    if (ctx.signal.aborted) queueMicrotask(removeAll);
    else ctx.signal.addEventListener("abort", removeAll, { once: true });
    return paths;
  });
  set.add(path);
}

/** Waits `seconds`; a cancelled query throws, and gets no profile (as in Velociraptor): disconnecting the session ends the profiling. */
async function sample(seconds: number, signal: AbortSignal): Promise<void> {
  await abortableDelay(seconds * 1000, signal);
}

/** A V8 CPU profile over `seconds` (Chrome DevTools' .cpuprofile JSON). */
export async function cpuProfile(seconds: number, signal: AbortSignal): Promise<string> {
  const session = new Session();
  session.connect();
  try {
    await session.post("Profiler.enable");
    await session.post("Profiler.start");
    await sample(seconds, signal);
    const { profile } = await session.post("Profiler.stop");
    const path = tempPath(".cpuprofile");
    await writeFile(path, JSON.stringify(profile), { mode: 0o600 });
    return path;
  } finally {
    session.disconnect();
  }
}

/** Trace events (node, v8 categories) over `seconds` (chrome://tracing JSON). */
export async function traceEvents(seconds: number, signal: AbortSignal): Promise<string> {
  const session = new Session();
  session.connect();
  const events: unknown[] = [];
  session.on("NodeTracing.dataCollected", (m: { params: { value: unknown[] } }) => events.push(...m.params.value));
  try {
    await session.post("NodeTracing.start", { traceConfig: { includedCategories: ["node", "v8", "node.async_hooks"] } });
    await sample(seconds, signal);
    await session.post("NodeTracing.stop");
    const path = tempPath(".json");
    await writeFile(path, JSON.stringify({ traceEvents: events }), { mode: 0o600 });
    return path;
  } finally {
    session.disconnect();
  }
}

/** A V8 heap snapshot (loads in Chrome DevTools' Memory tab). Synchronous and as large as the heap. */
export function heapSnapshot(): string {
  return writeHeapSnapshot(tempPath(".heapsnapshot"));
}

/** V8's heap and heap-space statistics (JSON). */
export async function heapStatistics(): Promise<string> {
  const path = tempPath(".json");
  await writeFile(path, JSON.stringify({ heap: getHeapStatistics(), spaces: getHeapSpaceStatistics() }, null, 1), { mode: 0o600 });
  return path;
}

/** process.report's diagnostic report: JavaScript and native stacks, libuv handles, resources. */
export async function diagnosticReport(): Promise<string> {
  const path = tempPath(".json");
  await writeFile(path, JSON.stringify(processReport(), null, 1), { mode: 0o600 });
  return path;
}

/** The report without the environment (it may hold secrets) and without the command line's arguments. */
export function processReport(): Record<string, unknown> {
  const r = process.report.getReport() as unknown as Record<string, unknown>;
  delete r.environmentVariables;
  const header = r.header as Record<string, unknown> | undefined;
  if (header) delete header.commandLine;
  return r;
}
