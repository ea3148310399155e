// An agent query worker's main module: evaluates one source at a time with the agent registry
// (portable + client builtins) on a Linux endpoint built here (node fs and child_process work
// in a worker thread), behind the protected-path guard the main thread described as data.
// `Artifact.X()` resolves from the collection's definitions, execve() checks the collecting
// user's permissions, upload() goes through the main thread's responder (upload-client.ts), the
// developer builtins reach the agent's diagnostics through it too (diag-client.ts).
// Output goes back in chunks (rows in batches of up to 512 / 10 ms, as runVqlChunks cuts
// them), each `out` message waiting for credit. Loaded by worker-entry.mjs (tsx).
import { parentPort, workerData } from "node:worker_threads";
import { getHeapStatistics } from "node:v8";
import { fromWire, runVqlChunks, toWire, type VqlChunk } from "@/engine/vql";
import { definitionsResolver } from "../executor/definitions";
import { AgentPermissions, parseCached, rowJson } from "../executor/vql-runner";
import { agentRegistry } from "../plugins";
import type { AgentVqlHost } from "../plugins/host";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { createPathGuard, guardSystem } from "@/engine/endpoint/builtins/protected-paths";
import type { AgentRunRequest, AgentWireEvent, AgentWorkerData, FromAgentWorker, ToAgentWorker } from "./protocol";
import { UploadClient } from "./upload-client";
import { DiagClient } from "./diag-client";

const port = parentPort!;
const data = workerData as AgentWorkerData;
const system = createLinuxSystem();
const guard = data.protect ? createPathGuard(data.protect) : undefined;
const registry = agentRegistry();
const uploads = new UploadClient(port);
const diag = new DiagClient(port);

interface Current {
  id: number;
  controller: AbortController;
  credit: number;
  cancelled: boolean;
  wake?: () => void;
}
let current: Current | undefined;

function post(m: FromAgentWorker): void {
  port.postMessage(m);
}

function events(c: VqlChunk, mode: AgentRunRequest["mode"]): AgentWireEvent[] {
  if (mode === "precondition") return c.kind === "log" && c.level === "ERROR" ? [{ kind: "log", level: "ERROR", message: `precondition: ${c.message}` }] : [];
  switch (c.kind) {
    case "rows":
      return c.rows.length ? [{ kind: "rows", rows: c.rows.map(rowJson) }] : [];
    case "log":
      return [{ kind: "log", level: c.level, message: c.message }];
    case "alert":
      return [{ kind: "alert", name: c.name, severity: c.severity, eventData: toWire(c.eventData), time: c.time }];
    case "select-end":
      return c.truncated ? [{ kind: "log", level: "INFO", message: `results truncated at ${c.rows} rows` }] : [];
    default:
      return [];
  }
}

async function run(r: AgentRunRequest): Promise<void> {
  const q: Current = { id: r.id, controller: new AbortController(), credit: r.window, cancelled: false };
  current = q;
  let matched = false;
  try {
    const guarded = guard ? guardSystem(system, guard, (message) => post({ type: "log", id: r.id, level: "WARN", message })) : system;
    const permissions = new Set(r.permissions);
    const host: AgentVqlHost = { system: guarded, diagnostics: diag.diagnostics(r.id), flow: { flowId: r.flowId, artifact: r.artifact, responder: uploads.responder(r.id), permissions } };
    const chunks = runVqlChunks(parseCached(r.vql), {
      registry,
      env: fromWire(r.env) as Record<string, unknown>,
      signal: q.controller.signal,
      maxRows: r.maxRows,
      permissions: new AgentPermissions(permissions.has("EXECVE")),
      host,
      files: { read: (path, opts) => guarded.fs.read(path, opts) },
      resolvePlugin: definitionsResolver(r.definitions),
    });
    for await (const c of chunks) {
      if (r.mode === "precondition" && c.kind === "rows" && c.rows.length) {
        matched = true;
        break;
      }
      const out = events(c, r.mode);
      if (!out.length) continue;
      // Once cancelled the run ends soon (its signal aborted): what is left goes out without waiting.
      while (q.credit <= 0 && !q.cancelled) await new Promise<void>((res) => (q.wake = res));
      q.credit--;
      post({ type: "out", id: q.id, events: out });
    }
  } catch (err) {
    if (!q.cancelled) post({ type: "out", id: q.id, events: [{ kind: "log", level: "ERROR", message: `query worker: ${(err as Error)?.message ?? String(err)}` }] });
  } finally {
    current = undefined;
    post({ type: "done", id: q.id, heapBytes: getHeapStatistics().used_heap_size, matched });
  }
}

port.on("message", (m: ToAgentWorker) => {
  if (uploads.onMessage(m) || diag.onMessage(m)) return;
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
        current.controller.abort(new DOMException("source cancelled", "AbortError"));
        current.wake?.();
      }
      break;
  }
});
post({ type: "ready" });
