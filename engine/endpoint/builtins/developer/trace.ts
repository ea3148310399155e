// trace(): Velociraptor's set-and-forget trace file: a zip of the process's state uploaded with
// the collection as `Trace<unix seconds>.zip`. Velociraptor's zip holds pprof text dumps; this
// one holds Node's equivalents: report.json (process.report, for goroutine.txt), heap.json (V8
// heap statistics, for allocs.txt), logs.txt, queries.jsonl and metrics.jsonl (the same as
// Velociraptor's). Uploads through the run's upload() (an agent's collection); elsewhere NULL.
import { writeFile } from "node:fs/promises";
import { getHeapSpaceStatistics, getHeapStatistics } from "node:v8";
import { strToU8, zipSync } from "fflate";
import { defineFunction, untilAborted, type BuiltinContext } from "@/engine/vql";
import { diagnosticsOf } from "@/engine/endpoint/diagnostics/diagnostics";
import { processReport, removeAtEnd, tempPath } from "./dumps";

/** Velociraptor caps each dump: the important part is at the top. */
const CAP = 200_000;

export async function traceZip(ctx: BuiltinContext): Promise<Uint8Array> {
  const d = diagnosticsOf(ctx.host);
  const text = (s: string) => strToU8(s.slice(0, CAP));
  const lines = (rows: unknown[]) => strToU8(rows.map((r) => JSON.stringify(r) + "\n").join(""));
  const [logs, queries, metrics] = await untilAborted(Promise.all([d.logs(0), d.queries(), d.metrics()]), ctx.signal);
  return zipSync({
    "report.json": text(JSON.stringify(processReport(), null, 1)),
    "heap.json": text(JSON.stringify({ heap: getHeapStatistics(), spaces: getHeapSpaceStatistics() }, null, 1)),
    "logs.txt": strToU8(logs.map((l) => `${l.time} ${l.level} ${l.msg}\n`).join("")),
    "queries.jsonl": lines(queries),
    "metrics.jsonl": lines(metrics.map(({ name, value }) => ({ name, value }))),
  });
}

export const traceFunction = defineFunction({
  name: "trace",
  category: "developer",
  doc: "Upload a trace file: a zip of the process's diagnostic report, heap statistics, recent logs, queries and metrics, uploaded as `Trace<unix>.zip`.",
  args: {},
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  // Velociraptor's is version 1: Generic.Client.Trace runs only where version(function="trace") is.
  version: 1,
  async run(_args, ctx) {
    const upload = ctx.builtin("function", "upload");
    try {
      const zip = await traceZip(ctx);
      if (!upload || upload.kind !== "function") return null;
      const path = tempPath(".zip");
      await writeFile(path, zip, { mode: 0o600 });
      removeAtEnd(ctx, path);
      return await upload.run({ file: path, name: `Trace${Math.floor(ctx.now() / 1000)}.zip`, accessor: "auto" } as never, ctx, []);
    } catch (err) {
      ctx.signal.throwIfAborted();
      ctx.log("ERROR", `trace: ${(err as Error).message}`);
      return null;
    }
  },
});
