// Runs collection requests: each flow with its own AbortController (cancel), each source with
// its precondition first, its own time limit and row limit, rows and logs streamed through the
// flow's responder, a source status per source and one final flow status. A few flows run at
// once; the rest wait their turn. A collect for a flow already known is ignored (resends).
import type { CancelMessage, CollectMessage } from "../../protocol";
import type { Outbox } from "../connection/outbox";
import { FlowResponder } from "../responder/responder";
import { definitionsResolver } from "./definitions";
import type { SourceContext, SourceRunner } from "./types";
import type { ProcessDiagnostics } from "@/engine/endpoint/diagnostics/diagnostics";
import type { QueryLog } from "@/engine/endpoint/diagnostics/query-log";

type FinalState = "finished" | "error" | "timeout" | "cancelled";

export interface ExecutorOptions {
  outbox: Outbox;
  runner: SourceRunner;
  /** Flows run at the same time at most. */
  concurrency?: number;
  log?(level: "info" | "warn" | "error", message: string, fields?: Record<string, unknown>): void;
  /** Responder batching (tests shorten the wait). */
  maxWaitMs?: number;
  /** Called when a flow has ended and its final status is in the outbox. */
  onFlowEnd?(flowId: string, state: FinalState): void;
  /** Scope variables every query starts with (`config`); a collection's own env overrides them. */
  baseEnv?: Record<string, unknown>;
  /** The agent's diagnostics, given to every source (profile(), logging(), rekey()...). */
  diagnostics?: ProcessDiagnostics;
  /** Where each source's query is recorded while it runs (profile(queries=TRUE)). */
  queryLog?: Pick<QueryLog, "begin">;
}

export class Executor {
  private readonly active = new Map<string, AbortController>();
  private readonly queued: CollectMessage[] = [];
  private readonly known = new Set<string>();
  private readonly done = new Set<string>();
  private idle: Array<() => void> = [];

  constructor(private readonly o: ExecutorOptions) {}

  /** Flows accepted and not finished (running or waiting for a slot). */
  running(): string[] {
    return [...this.active.keys(), ...this.queued.map((q) => q.flowId)];
  }

  collect(m: CollectMessage): void {
    if (this.known.has(m.flowId)) return;
    this.known.add(m.flowId);
    // Velociraptor's urgent collections skip the queue: first in line, and started even when
    // every slot is busy.
    if (m.urgent) this.queued.unshift(m);
    else this.queued.push(m);
    this.next();
  }

  cancel(m: CancelMessage): void {
    const i = this.queued.findIndex((q) => q.flowId === m.flowId);
    if (i >= 0) {
      const [q] = this.queued.splice(i, 1);
      void this.reportCancelledBeforeStart(q!, m.reason);
      return;
    }
    this.active.get(m.flowId)?.abort(new CancelledError(m.reason ?? "cancelled"));
  }

  /** Aborts every flow (agent shutdown); their messages so far stay in the outbox. */
  stopAll(): void {
    for (const c of this.active.values()) c.abort(new Error("agent stopping"));
    this.queued.length = 0;
  }

  /** Resolves when nothing runs (tests). */
  whenIdle(): Promise<void> {
    if (!this.active.size && !this.queued.length) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private next() {
    while (this.queued.length && (this.active.size < (this.o.concurrency ?? 4) || this.queued[0]!.urgent)) {
      const m = this.queued.shift()!;
      const controller = new AbortController();
      this.active.set(m.flowId, controller);
      this.runFlow(m, controller)
        .catch((err) => this.o.log?.("error", "collection failed", { flowId: m.flowId, error: (err as Error).message }))
        .finally(() => {
          this.active.delete(m.flowId);
          this.done.add(m.flowId);
          this.next();
          if (!this.active.size && !this.queued.length) for (const f of this.idle.splice(0)) f();
        });
    }
  }

  private async reportCancelledBeforeStart(m: CollectMessage, reason?: string) {
    const r = new FlowResponder(this.o.outbox, m.flowId);
    await r.flowStatus("cancelled", reason ?? "cancelled before it started");
  }

  private async runFlow(m: CollectMessage, controller: AbortController) {
    const responder = new FlowResponder(this.o.outbox, m.flowId, { maxUploadBytes: m.maxUploadBytes, maxWaitMs: this.o.maxWaitMs });
    const permissions = new Set(m.permissions);
    const resolvePlugin = definitionsResolver(m.definitions);
    let final: FinalState = "finished";
    let firstError = "";
    try {
      await responder.flowStatus("running");
      for (const artifact of m.artifacts) {
        for (const source of artifact.sources) {
          if (controller.signal.aborted) break;
          const state = await this.runSource(m, source, artifact.env, { responder, permissions, controller, resolvePlugin, timeoutMs: artifact.timeoutMs });
          if (state.state === "error" && !firstError) firstError = state.error;
          if (state.state === "timeout" && final === "finished") final = "timeout";
          if (state.state === "error") final = "error";
        }
      }
      if (controller.signal.aborted && controller.signal.reason instanceof CancelledError) final = "cancelled";
      await responder.flowStatus(final, final === "cancelled" ? (controller.signal.reason as Error).message : firstError || undefined);
      this.o.onFlowEnd?.(m.flowId, final);
    } finally {
      responder.close();
    }
  }

  private async runSource(
    m: CollectMessage,
    source: CollectMessage["artifacts"][number]["sources"][number],
    env: Record<string, unknown>,
    p: { responder: FlowResponder; permissions: ReadonlySet<string>; controller: AbortController; resolvePlugin?: SourceContext["resolvePlugin"]; timeoutMs?: number },
  ): Promise<{ state: "finished" | "skipped" | "error" | "timeout" | "cancelled"; error: string }> {
    const t0 = performance.now();
    const timeoutMs = p.timeoutMs ?? m.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([p.controller.signal, timeout]);
    // `_SessionId`: the flow, as Velociraptor names it on the client (Linux.Sys.BashShell keys its session off it).
    const ctx: SourceContext = { flowId: m.flowId, artifact: source.name, env: { ...this.o.baseEnv, _SessionId: m.flowId, ...env }, signal, maxRows: m.maxRows, permissions: p.permissions, responder: p.responder, resolvePlugin: p.resolvePlugin, definitions: m.definitions, diagnostics: this.o.diagnostics };
    const ended = this.o.queryLog?.begin(source.query);
    let rows = 0;
    let truncated = false;
    let error = "";
    let state: "finished" | "skipped" | "error" | "timeout" | "cancelled" = "finished";
    try {
      if (source.precondition && !(await this.o.runner.precondition(source.precondition, ctx))) {
        state = "skipped";
      } else {
        for await (const ev of this.o.runner.run(source.query, ctx)) {
          if (ev.kind === "alert") {
            await p.responder.alert(source.name, ev);
            continue;
          }
          if (ev.kind === "log") {
            p.responder.log(ev.level, ev.message, source.name);
            if (ev.level === "ERROR" && !error) error = ev.message;
            continue;
          }
          if (rows >= m.maxRows) {
            truncated = true;
            break;
          }
          rows++;
          await p.responder.row(source.name, ev.columns, ev.row, ev.size);
        }
        if (error) state = "error";
      }
    } catch (err) {
      if (timeout.aborted) {
        state = "timeout";
        error = `the source did not finish within ${Math.round(timeoutMs / 1000)} s`;
      } else if (p.controller.signal.aborted) {
        state = "cancelled";
        error = "";
      } else {
        state = "error";
        error = (err as Error).message;
      }
    }
    ended?.();
    // A runner may end quietly when its signal aborts instead of throwing.
    if ((state === "finished" || state === "error") && timeout.aborted && !p.controller.signal.aborted) {
      state = "timeout";
      error = `the source did not finish within ${Math.round(timeoutMs / 1000)} s`;
    } else if (state === "finished" && p.controller.signal.aborted) state = "cancelled";
    if (state === "timeout") p.responder.log("ERROR", error, source.name);
    await p.responder.sourceStatus({ artifact: source.name, state, rows, truncated, error: error || undefined, durationMs: Math.round(performance.now() - t0) });
    return { state, error };
  }
}

export class CancelledError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CancelledError";
  }
}
