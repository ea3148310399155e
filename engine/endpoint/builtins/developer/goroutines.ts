// profile_goroutines() and profile_memory(): Velociraptor's Go runtime views over Node.js.
// Goroutines become what keeps this thread's event loop busy: one row per kind of active
// resource (process.getActiveResourcesInfo(): timers, sockets, file requests...) and one for
// the JavaScript stack running now, each {Count, CallStack}. Memory becomes V8's heap spaces,
// each {InUseBytes, InUseObjects, CallStack} (V8 keeps no allocation sites without a sampling
// profiler running; InUseObjects is unknown: 0).
import { getHeapSpaceStatistics } from "node:v8";
import { arg, definePlugin } from "@/engine/vql";
import { processReport } from "./dumps";

interface Frame {
  Name: string;
  File: string;
  Line: number;
}

/** `at fn (file:line:col)` / `at file:line:col` lines as frames. */
export function parseStack(lines: readonly string[]): Frame[] {
  const out: Frame[] = [];
  for (const raw of lines) {
    const s = raw.trim().replace(/^at\s+/, "");
    const m = /^(.*?)\s*\(?([^()\s]+?):(\d+)(?::\d+)?\)?$/.exec(s);
    if (m) out.push({ Name: m[1] || "<anonymous>", File: m[2]!, Line: Number(m[3]) });
    else if (s) out.push({ Name: s, File: "", Line: 0 });
  }
  return out;
}

const concise = (f: Frame) => `${f.Name} ${f.File}:${f.Line}`;

export const profileGoroutinesPlugin = definePlugin({
  name: "profile_goroutines",
  category: "developer",
  doc: "Enumerates all running goroutines (Node: each kind of active resource of the event loop, and the running JavaScript stack): Count, CallStack.",
  args: {
    verbose: arg.bool().doc("Emit information in verbose form (CallStack as {Name, File, Line} dicts)."),
  },
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  async *run({ verbose }, ctx) {
    const counts = new Map<string, number>();
    for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
    const report = processReport() as { javascriptStack?: { stack?: string[] } };
    const rows: Array<{ Count: number; CallStack: Frame[] }> = [{ Count: 1, CallStack: parseStack(report.javascriptStack?.stack ?? []) }];
    for (const [type, n] of counts) rows.push({ Count: n, CallStack: [{ Name: type, File: "node:internal/event_loop", Line: 0 }] });
    for (const r of rows) {
      ctx.signal.throwIfAborted();
      yield { Count: r.Count, CallStack: verbose ? r.CallStack : r.CallStack.map(concise) };
    }
  },
});

export const profileMemoryPlugin = definePlugin({
  name: "profile_memory",
  category: "developer",
  doc: "Enumerates all in-use memory within the runtime and tie it to allocation sites (Node: V8's heap spaces): InUseBytes, InUseObjects, CallStack.",
  args: {},
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  async *run(_args, ctx) {
    for (const s of getHeapSpaceStatistics()) {
      ctx.signal.throwIfAborted();
      yield { InUseBytes: s.space_used_size, InUseObjects: 0, CallStack: [{ Name: s.space_name, File: "v8", Line: 0 }] };
    }
  },
});
