// One source in an agent query worker, seen from the main thread: takes a worker from the pool,
// sends the source, turns the worker's output back into SourceEvents (credit granted as each
// message is taken), feeds its uploads to the flow's responder (each chunk acknowledged as the
// responder takes it), and ends it: on the flow's signal (cancel or the source's timeout) or a
// consumer break it asks the worker to stop, and after the grace period terminates it, so a
// query stuck in one synchronous step ends its own worker and nothing else. A source whose
// worker died (out of memory, crashed) ends with an ERROR log line saying why; the pool
// replaces the worker.
import { fromWire, toWire } from "@/engine/vql";
import type { SourceContext, SourceEvent } from "../executor/types";
import type { AgentQueryWorker, AgentWorkerPool } from "./pool";
import { DIAG_METHODS, type AgentWireEvent, type FromAgentWorker } from "./protocol";

/** `out` messages in flight from a worker (each up to 512 rows). */
const WINDOW = 4;

export interface AgentWorkerRun {
  mode: "precondition" | "run";
  vql: string;
  ctx: SourceContext;
  graceMs: number;
  heapMb: number;
}

let nextRun = 1;

/** An upload's chunks from the worker, as the AsyncIterable the responder reads. */
class UploadSink {
  private readonly chunks: Uint8Array[] = [];
  private ended = false;
  private error: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly ack: () => void) {}

  push(c: Uint8Array) {
    this.chunks.push(c);
    this.poke();
  }
  end() {
    this.ended = true;
    this.poke();
  }
  fail(e: Error) {
    this.error ??= e;
    this.poke();
  }
  private poke() {
    const f = this.wake;
    this.wake = undefined;
    f?.();
  }
  async *iterate(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const c = this.chunks.shift();
      if (c) {
        this.ack();
        yield c;
        continue;
      }
      if (this.error) throw this.error;
      if (this.ended) return;
      await new Promise<void>((r) => (this.wake = r));
    }
  }
}

function* expand(events: AgentWireEvent[]): Generator<SourceEvent> {
  for (const e of events) {
    if (e.kind === "rows") for (const r of e.rows) yield { kind: "row", columns: r.columns, row: JSON.parse(r.text) as Record<string, unknown>, size: r.text.length };
    else if (e.kind === "alert") yield { ...e, eventData: fromWire(e.eventData) as Record<string, unknown> };
    else yield e;
  }
}

/** A worker's call to the agent's diagnostics, answered from the source's context. */
function answerDiag(worker: AgentQueryWorker, ctx: SourceContext, m: Extract<FromAgentWorker, { type: "diag" }>): void {
  const d = ctx.diagnostics;
  const reply = (r: { ok: true; value: unknown } | { ok: false; error: string }) => worker.post({ type: "diag-reply", call: m.call, ...r });
  if (!d || !DIAG_METHODS.includes(m.method) || typeof d[m.method] !== "function") {
    reply({ ok: false, error: `this agent does not answer ${m.method}()` });
    return;
  }
  Promise.resolve()
    .then(() => (d[m.method] as (...a: number[]) => unknown)(...m.args.filter((a) => typeof a === "number")))
    .then(
      (value) => reply({ ok: true, value }),
      (err: unknown) => reply({ ok: false, error: (err as Error)?.message ?? String(err) }),
    );
}

/** Runs one source or precondition; `result.matched` says whether a precondition returned a row. */
export async function* runInAgentWorker(pool: AgentWorkerPool, r: AgentWorkerRun, result: { matched: boolean } = { matched: false }): AsyncGenerator<SourceEvent> {
  const { ctx } = r;
  let w: AgentQueryWorker;
  try {
    w = await pool.acquire(ctx.signal);
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    yield { kind: "log", level: "ERROR", message: `no query worker could be started: ${(err as Error)?.message ?? String(err)}` };
    return;
  }
  const id = nextRun++;
  const queue: AgentWireEvent[][] = [];
  const sinks = new Map<number, UploadSink>();
  let wake: (() => void) | undefined;
  let finished = false;
  let heapBytes = 0;
  let healthy = true;
  /** Set when the worker ended without finishing: terminated after the grace period, or died. */
  let stopped: { terminated: boolean; message: string } | undefined;
  const poke = () => {
    const f = wake;
    wake = undefined;
    f?.();
  };
  const worker = w;
  const startUpload = (upload: number, name: string, artifact: string) => {
    const sink = new UploadSink(() => worker.post({ type: "upload-ack", upload, n: 1 }));
    sinks.set(upload, sink);
    ctx.responder
      .upload(name, sink.iterate(), artifact || undefined)
      .then(
        (res) => worker.post({ type: "upload-done", upload, ok: true, result: res }),
        (err: unknown) => worker.post({ type: "upload-done", upload, ok: false, error: (err as Error)?.message ?? String(err) }),
      )
      .finally(() => sinks.delete(upload));
  };
  w.attach(
    (m: FromAgentWorker) => {
      switch (m.type) {
        case "out":
          if (m.id === id) queue.push(m.events);
          break;
        case "log":
          if (m.id === id) ctx.responder.log(m.level, m.message, ctx.artifact);
          break;
        case "done":
          if (m.id !== id) break;
          finished = true;
          heapBytes = m.heapBytes;
          result.matched = m.matched;
          break;
        case "upload-open":
          if (m.id === id) startUpload(m.upload, m.name, m.artifact);
          break;
        case "upload-chunk":
          sinks.get(m.upload)?.push(m.data);
          break;
        case "upload-end":
          sinks.get(m.upload)?.end();
          break;
        case "upload-abort":
          sinks.get(m.upload)?.fail(new Error(m.error));
          break;
        case "diag":
          if (m.id === id) answerDiag(worker, ctx, m);
          break;
      }
      poke();
    },
    (err) => {
      healthy = false;
      if (!finished && !stopped) {
        const oom = (err as { code?: string } | undefined)?.code === "ERR_WORKER_OUT_OF_MEMORY";
        stopped = {
          terminated: false,
          message: oom ? `the query ran out of memory: its worker's heap limit is ${r.heapMb} MB (TALON_AGENT_VQL_WORKER_HEAP_MB)` : `the query's worker stopped: ${err?.message ?? "it exited"}`,
        };
      }
      poke();
    },
  );

  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  const cancel = () => {
    if (finished || stopped || graceTimer) return;
    worker.post({ type: "cancel", id });
    graceTimer = setTimeout(() => {
      if (finished || stopped) return;
      stopped = { terminated: true, message: `the query's worker did not stop within ${r.graceMs} ms and was terminated` };
      healthy = false;
      void worker.terminate().catch(() => undefined);
      poke();
    }, r.graceMs);
  };
  w.post({
    type: "run",
    id,
    mode: r.mode,
    vql: r.vql,
    env: toWire(ctx.env ?? {}),
    flowId: ctx.flowId,
    artifact: ctx.artifact,
    maxRows: ctx.maxRows,
    permissions: [...ctx.permissions],
    ...(ctx.definitions?.length ? { definitions: ctx.definitions } : {}),
    window: WINDOW,
  });
  if (ctx.signal.aborted) cancel();
  else ctx.signal.addEventListener("abort", cancel, { once: true });

  const release = () => {
    clearTimeout(graceTimer);
    for (const s of sinks.values()) s.fail(new Error("the query ended"));
    pool.release(worker, healthy && !stopped, heapBytes);
  };
  try {
    for (;;) {
      const events = queue.shift();
      if (events) {
        if (!stopped) worker.post({ type: "credit", id, n: 1 });
        yield* expand(events);
        continue;
      }
      if (stopped) {
        if (!stopped.terminated) {
          yield { kind: "log", level: "ERROR", message: stopped.message };
          return;
        }
        yield { kind: "log", level: "WARN", message: stopped.message };
        throw ctx.signal.reason ?? new Error(stopped.message);
      }
      if (finished) return;
      await new Promise<void>((res) => (wake = res));
    }
  } finally {
    ctx.signal.removeEventListener("abort", cancel);
    if (!finished && !stopped) {
      // The consumer left early: the worker is cancelled and given back once it is done.
      const waitDone = () => (finished || stopped ? release() : (wake = waitDone));
      cancel();
      wake = waitDone;
    } else release();
  }
}
