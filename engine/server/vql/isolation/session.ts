// One run in a query worker, seen from the main thread: takes a worker from the pool, sends the
// run, turns the worker's chunks back into VqlEvents (rows expanded, credit granted as each
// chunk is taken), serves its service calls (dispatch.ts), and ends it: on the caller's signal
// or a consumer break it asks the worker to cancel, and after the grace period (or at the
// timeout plus the grace period, when the worker does not stop on its own) terminates it. A run
// whose worker died ends with a log line saying why; the worker is replaced.
import { fromWire, rowsFromWire, toWire, type VqlEvent, type VqlLimits } from "@/engine/vql";
import type { Principal, VqlServices } from "@/engine/server/contracts";
import { Dispatcher } from "./dispatch";
import type { QueryWorker, QueryWorkerPool } from "./pool";
import type { ArtifactSnapshot, FromWorker, WireChunk } from "./protocol";

/** `out` messages in flight from a worker (each up to 512 rows). */
const WINDOW = 4;

export interface WorkerRun {
  source: string;
  principal: Principal;
  services: VqlServices;
  env?: Record<string, unknown>;
  signal: AbortSignal;
  timeoutMs?: number;
  maxRows?: number;
  limits?: Partial<VqlLimits>;
  /** The repository snapshot now (sent when the worker's is older). */
  artifacts: () => ArtifactSnapshot;
  /** How long a worker gets to stop after a cancel or its timeout before it is terminated. */
  graceMs: number;
  heapMb: number;
}

let nextRun = 1;

function logEvent(code: string, message: string): VqlEvent {
  return { kind: "log", level: "ERROR", code, message, time: Date.now() };
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}

export async function* runInWorker(pool: QueryWorkerPool, r: WorkerRun): AsyncGenerator<VqlEvent> {
  const t0 = performance.now();
  let w: QueryWorker;
  try {
    w = await pool.acquire(r.signal);
  } catch (err) {
    if (r.signal.aborted) return;
    yield logEvent("VQL3017", `no query worker could be started: ${(err as Error)?.message ?? String(err)}`);
    return;
  }
  const id = nextRun++;
  const queue: WireChunk[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let heapBytes = 0;
  /** Why the run stopped when the worker did not end it itself. */
  let stopped: { code: string; message: string } | undefined;
  let healthy = true;
  const poke = () => {
    const f = wake;
    wake = undefined;
    f?.();
  };
  const dispatcher = new Dispatcher(r.services, r.principal, (m) => w.post(m));
  const terminate = (code: string, message: string) => {
    if (finished || stopped) return;
    stopped = { code, message };
    healthy = false;
    void w.terminate().catch(() => undefined);
    poke();
  };
  w.attach(
    (m: FromWorker) => {
      if (dispatcher.onMessage(m)) return;
      if (m.type === "out" && m.id === id) {
        queue.push(m.chunk);
        poke();
      } else if (m.type === "done" && m.id === id) {
        finished = true;
        heapBytes = m.heapBytes;
        poke();
      }
    },
    (err) => {
      healthy = false;
      if (!finished && !stopped) {
        const oom = (err as { code?: string } | undefined)?.code === "ERR_WORKER_OUT_OF_MEMORY";
        stopped = oom
          ? { code: "VQL3017", message: `query ran out of memory: its worker's heap limit is ${r.heapMb} MB (TALON_VQL_WORKER_HEAP_MB)` }
          : { code: "VQL3017", message: `the query's worker stopped: ${err?.message ?? "it exited"}` };
      }
      poke();
    },
  );

  // Cancel (the caller's signal) and the timeout: ask, then terminate after the grace period.
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  const cancel = (why: "cancel" | "timeout") => {
    if (finished) return;
    w.post({ type: "cancel", id, reason: why });
    clearTimeout(graceTimer);
    graceTimer = setTimeout(() => {
      const after = seconds(performance.now() - t0);
      terminate("VQL3014", why === "timeout" && r.timeoutMs ? `query timed out after ${r.timeoutMs / 1000}s (its worker did not stop and was terminated)` : `query ${why === "timeout" ? "timed out" : "cancelled"} after ${after} (its worker did not stop and was terminated)`);
    }, r.graceMs);
  };
  const snapshot = r.artifacts();
  w.post({
    type: "run",
    id,
    source: r.source,
    env: toWire(r.env ?? {}),
    principal: { userId: r.principal.userId, username: r.principal.username, role: String(r.principal.role), permissions: [...r.principal.permissions], via: r.principal.via },
    timeoutMs: r.timeoutMs,
    maxRows: r.maxRows,
    limits: r.limits,
    hasNotebooks: Boolean(r.services.notebooks),
    ...(snapshot.version !== w.artifactsVersion ? { artifacts: snapshot } : {}),
    window: WINDOW,
  });
  w.artifactsVersion = snapshot.version;
  const onAbort = () => cancel((r.signal.reason as { name?: string } | undefined)?.name === "TimeoutError" ? "timeout" : "cancel");
  if (r.signal.aborted) onAbort();
  else r.signal.addEventListener("abort", onAbort, { once: true });
  // The worker's own timeout ends the run; this one fires only if the worker cannot.
  const timeoutTimer = r.timeoutMs && r.timeoutMs > 0 ? setTimeout(() => cancel("timeout"), r.timeoutMs + 250) : undefined;

  try {
    for (;;) {
      const c = queue.shift();
      if (c) {
        if (!stopped) w.post({ type: "credit", id, n: 1 });
        yield* expand(c);
        continue;
      }
      if (stopped) {
        yield logEvent(stopped.code, stopped.message);
        return;
      }
      if (finished) return;
      await new Promise<void>((res) => (wake = res));
    }
  } finally {
    r.signal.removeEventListener("abort", onAbort);
    clearTimeout(timeoutTimer);
    if (!finished && !stopped) {
      // The consumer left early: the worker is cancelled and given back when it is done.
      const release = () => {
        clearTimeout(graceTimer);
        dispatcher.close();
        pool.release(w, healthy && !stopped, heapBytes);
      };
      const waitDone = () => (finished || stopped ? release() : (wake = waitDone));
      cancel("cancel");
      wake = waitDone;
    } else {
      clearTimeout(graceTimer);
      dispatcher.close();
      pool.release(w, healthy && !stopped, heapBytes);
    }
  }
}

function* expand(c: WireChunk): Generator<VqlEvent> {
  switch (c.kind) {
    case "rows":
      for (const row of rowsFromWire(c.rows)) yield { kind: "row", statement: c.statement, row };
      return;
    case "alert":
      yield { ...c, eventData: fromWire(c.eventData) as Record<string, unknown> };
      return;
    default:
      yield c;
  }
}
