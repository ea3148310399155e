// A query worker's main module: evaluates one run at a time with the server's registry
// (portable + server builtins), builtins reaching services through the RPC (rpc-client.ts),
// `Artifact.X()` resolved from the repository snapshot the main thread sends with a run when it
// changed. Output goes back as chunks (rows in batches of up to 512 / 10 ms), each `out` message
// waiting for credit. Loaded by worker-entry.mjs (TypeScript through tsx); no database here.
import { parentPort, workerData } from "node:worker_threads";
import { getHeapStatistics } from "node:v8";
import { artifactCallPlugin, summaryOf, type Artifact } from "@/engine/artifacts";
import { createRegistry, fromWire, portableBuiltins, rowsToWire, runVqlChunks, setValueLimits, toWire, type VqlChunk, type VqlLimits, type LimitHints } from "@/engine/vql";
import type { Principal } from "@/engine/server/contracts";
import { serverBuiltins } from "../../plugins";
import { serverEndpointSystem, withEndpointBuiltins } from "../../plugins/endpoint";
import { ON_ENDPOINTS } from "../endpoint-builtins";
import type { ServerVqlHost } from "../../plugins/host";
import { WorkerRpc, type ArtifactLookup } from "./rpc-client";
import type { ArtifactSnapshot, FromWorker, RunRequest, ToWorker, WireChunk } from "./protocol";

export interface QueryWorkerData {
  limits: Partial<VqlLimits>;
  hints: LimitHints;
  /** The server's data directory, which glob(), read_file()... never read. */
  dataDir?: string;
}

const port = parentPort!;
const data = workerData as QueryWorkerData;
setValueLimits(data.limits, data.hints);
const registry = createRegistry(withEndpointBuiltins([...portableBuiltins, ...serverBuiltins]), { elsewhere: ON_ENDPOINTS });
const system = serverEndpointSystem({ dataDir: data.dataDir });
const rpc = new WorkerRpc(port);

let snapshot: { version: number; byName: Map<string, Artifact>; resolved: Record<string, string>; list: Artifact[] } = { version: -1, byName: new Map(), resolved: {}, list: [] };
const lookup: ArtifactLookup = {
  get: (name, opts) => (opts?.exact ? snapshot.byName.get(name) : snapshot.byName.get(snapshot.resolved[name] ?? name)),
  all: () => snapshot.list,
};

function takeSnapshot(s: ArtifactSnapshot): void {
  snapshot = { version: s.version, byName: new Map(s.artifacts.map((a) => [a.name, a])), resolved: s.resolved, list: s.artifacts };
}

interface Current {
  id: number;
  controller: AbortController;
  credit: number;
  wake?: () => void;
  cancelled: boolean;
}
let current: Current | undefined;

function post(m: FromWorker): void {
  port.postMessage(m);
}

function encode(c: VqlChunk): WireChunk {
  if (c.kind === "rows") return { kind: "rows", statement: c.statement, rows: rowsToWire(c.rows) };
  if (c.kind === "alert") return { ...c, eventData: toWire(c.eventData) };
  return c;
}

function principalOf(r: RunRequest): Principal {
  return { ...r.principal, permissions: new Set(r.principal.permissions) } as unknown as Principal;
}

async function run(r: RunRequest): Promise<void> {
  if (r.artifacts) takeSnapshot(r.artifacts);
  const q: Current = { id: r.id, controller: new AbortController(), credit: r.window, cancelled: false };
  current = q;
  const principal = principalOf(r);
  const services = rpc.services(lookup, r.hasNotebooks);
  const host: ServerVqlHost = { principal, services, system, diagnostics: services.diagnostics };
  try {
    const chunks = runVqlChunks(r.source, {
      registry,
      env: fromWire(r.env) as Record<string, unknown> | undefined,
      signal: q.controller.signal,
      timeoutMs: r.timeoutMs,
      maxRows: r.maxRows,
      permissions: principal.permissions,
      host,
      limits: r.limits,
      resolvePlugin: (name) => artifactCallPlugin((n) => lookup.get(n, { exact: true }), name, summaryOf),
    });
    for await (const c of chunks) {
      // Once cancelled the run ends soon (its signal aborted): what is left (the log line
      // saying why) goes out without waiting for credit.
      while (q.credit <= 0 && !q.cancelled) await new Promise<void>((res) => (q.wake = res));
      q.credit--;
      post({ type: "out", id: q.id, chunk: encode(c) });
    }
  } catch (err) {
    post({ type: "out", id: q.id, chunk: { kind: "log", level: "ERROR", message: `query worker: ${(err as Error)?.message ?? String(err)}`, code: "VQL3099", time: Date.now() } });
  } finally {
    rpc.endRun();
    current = undefined;
    post({ type: "done", id: q.id, heapBytes: getHeapStatistics().used_heap_size });
  }
}

port.on("message", (m: ToWorker) => {
  if (rpc.onMessage(m)) return;
  switch (m.type) {
    case "run":
      void run(m);
      break;
    case "credit":
      if (current?.id === m.id) {
        current.credit += m.n;
        current.wake?.();
      }
      break;
    case "cancel":
      if (current?.id === m.id) {
        current.cancelled = true;
        current.controller.abort(m.reason === "timeout" ? new DOMException("query timed out", "TimeoutError") : new DOMException("query cancelled", "AbortError"));
        current.wake?.();
        // Service calls still waiting fail now: the run is over.
        rpc.endRun();
      }
      break;
  }
});
post({ type: "ready" });
