// The main thread's side of the service RPC for one run in a worker: calls the real services,
// only the methods in methods.ts, with the principal the run was started as (a principal
// sent by the worker is never read). Streams journal.subscribe in batches within the credit the
// worker grants; keeps checkpoint handles; fires the AbortSignals the worker's arguments named.
// Everything it opened ends when the run ends (close()).
import { fromWire, toWire, type Wire } from "@/engine/vql";
import { ServiceError, type Principal, type VqlServices } from "@/engine/server/contracts";
import { callKind, handleMethods, isActorStream, isStreamMethod } from "./methods";
import { isSignalMarker, type FromWorker, type ToWorker } from "./protocol";

/** Most events in one stream batch. */
const STREAM_BATCH = 256;

type AnyFn = (...args: unknown[]) => unknown;

interface OpenStream {
  credit: number;
  wake?: () => void;
  closed: boolean;
  /** Ends the service's stream (the worker closed it, or the run ended). */
  stop: AbortController;
}

export class Dispatcher {
  private readonly controllers = new Map<number, AbortController>();
  private readonly streams = new Map<number, OpenStream>();
  private readonly handles = new Map<number, { obj: Record<string, unknown>; allowed: readonly string[] }>();
  private readonly done = new AbortController();

  constructor(
    private readonly services: VqlServices,
    private readonly principal: Principal,
    private readonly post: (m: ToWorker) => void,
  ) {}

  /** Handles an RPC message; false for messages that are not the RPC's. */
  onMessage(m: FromWorker): boolean {
    switch (m.type) {
      case "call":
        void this.call(m.call, m.service, m.method, m.args, m.handle);
        return true;
      case "open-stream":
        void this.stream(m.stream, m.service, m.method, m.args, m.credit);
        return true;
      case "stream-credit": {
        const s = this.streams.get(m.stream);
        if (s) {
          s.credit += m.n;
          s.wake?.();
        }
        return true;
      }
      case "close-stream": {
        const s = this.streams.get(m.stream);
        if (s) {
          s.closed = true;
          s.stop.abort();
          s.wake?.();
        }
        return true;
      }
      case "open-handle":
        this.openHandle(m.handle, m.service, m.method, m.args);
        return true;
      case "abort":
        this.controllers.get(m.signal)?.abort(new DOMException("aborted in the query", "AbortError"));
        return true;
      default:
        return false;
    }
  }

  /** Ends every stream, handle and signal of the run. */
  close(): void {
    this.done.abort();
    for (const c of this.controllers.values()) c.abort();
    for (const s of this.streams.values()) {
      s.closed = true;
      s.wake?.();
    }
    this.streams.clear();
    this.handles.clear();
  }

  /** Decoded arguments, signal markers replaced by signals that also end with the run. */
  private decodeArgs(args: Wire[]): unknown[] {
    const sig = (id: number) => {
      let c = this.controllers.get(id);
      if (!c) {
        c = new AbortController();
        this.controllers.set(id, c);
      }
      return AbortSignal.any([c.signal, this.done.signal]);
    };
    return args.map((w) => {
      const a = fromWire(w);
      if (isSignalMarker(a)) return sig(a.$signal);
      if (a && typeof a === "object" && !Array.isArray(a) && Object.getPrototypeOf(a) === Object.prototype) {
        const o = a as Record<string, unknown>;
        for (const [k, v] of Object.entries(o)) if (isSignalMarker(v)) o[k] = sig(v.$signal);
      }
      return a;
    });
  }

  private target(service: string): Record<string, unknown> | undefined {
    return (this.services as unknown as Record<string, Record<string, unknown> | undefined>)[service];
  }

  private async call(call: number, service: string, method: string, args: Wire[], handle?: number): Promise<void> {
    try {
      let value: unknown;
      if (handle !== undefined) {
        const h = this.handles.get(handle);
        if (!h || !h.allowed.includes(method) || typeof h.obj[method] !== "function") throw new Error(`a query may not call ${service}.${method}`);
        value = await (h.obj[method] as AnyFn).apply(h.obj, this.decodeArgs(args));
      } else {
        const kind = callKind(service, method);
        const svc = this.target(service);
        const fn = svc?.[method];
        if (!kind || typeof fn !== "function") throw new Error(`a query may not call ${service}.${method}`);
        const decoded = this.decodeArgs(args);
        value = await (fn as AnyFn).apply(svc, kind === "actor" ? [this.principal, ...decoded] : decoded);
      }
      if (this.done.signal.aborted) return;
      this.post({ type: "reply", call, ok: true, value: toWire(value) });
    } catch (err) {
      if (this.done.signal.aborted) return;
      const e = err as Error;
      this.post({ type: "reply", call, ok: false, error: e?.message ?? String(err), ...(err instanceof ServiceError ? { code: err.code } : {}) });
    }
  }

  private openHandle(handle: number, service: string, method: string, args: Wire[]): void {
    const allowed = handleMethods(service, method);
    const fn = this.target(service)?.[method];
    if (!allowed || typeof fn !== "function") return;
    try {
      const obj = (fn as AnyFn).apply(this.target(service), this.decodeArgs(args)) as Record<string, unknown>;
      this.handles.set(handle, { obj, allowed });
    } catch {
      // Its calls then fail with "may not call" (the builtin logs them).
    }
  }

  private async stream(stream: number, service: string, method: string, args: Wire[], credit: number): Promise<void> {
    const stop = new AbortController();
    const state: OpenStream = { credit, closed: false, stop };
    this.streams.set(stream, state);
    const end = (error?: string) => {
      this.streams.delete(stream);
      if (!this.done.signal.aborted) this.post({ type: "stream", stream, items: [], end: true, ...(error ? { error } : {}) });
    };
    const fn = this.target(service)?.[method];
    if (!isStreamMethod(service, method) || typeof fn !== "function") return end(`a query may not call ${service}.${method}`);
    // The stream's own signal: the worker's, and the run's end or the worker closing it.
    const decoded = isActorStream(service, method) ? [this.principal, ...this.decodeArgs(args)] : this.decodeArgs(args);
    // Both streams take their options second: journal.subscribe(queue, opts), hunts.results(actor, p).
    const opts = (decoded[1] ?? {}) as { signal?: AbortSignal };
    opts.signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal, this.done.signal]) : AbortSignal.any([stop.signal, this.done.signal]);
    decoded[1] = opts;
    let iterator: AsyncIterator<unknown> | undefined;
    try {
      const sub = (fn as AnyFn).apply(this.target(service), decoded) as AsyncIterable<unknown> & { ready?: Promise<void> };
      await sub.ready;
      if (state.closed) return;
      this.post({ type: "stream", stream, items: [] });
      iterator = sub[Symbol.asyncIterator]();
      let pending: Promise<IteratorResult<unknown>> | undefined;
      const IMMEDIATE = Symbol("immediate");
      for (;;) {
        while (state.credit <= 0 && !state.closed) await new Promise<void>((r) => (state.wake = r));
        if (state.closed) break;
        const first = await (pending ?? iterator.next());
        pending = undefined;
        if (first.done || state.closed) break;
        const items: Wire[] = [toWire(first.value)];
        // More events already there go in the same batch (never beyond the credit).
        while (items.length < Math.min(STREAM_BATCH, state.credit)) {
          pending = iterator.next();
          const r = await Promise.race([pending, new Promise<typeof IMMEDIATE>((res) => setImmediate(() => res(IMMEDIATE)))]);
          if (r === IMMEDIATE) break;
          pending = undefined;
          if (r.done) {
            state.closed = true;
            break;
          }
          items.push(toWire(r.value));
        }
        state.credit -= items.length;
        if (!this.done.signal.aborted) this.post({ type: "stream", stream, items });
        if (state.closed) break;
      }
      end();
    } catch (err) {
      end(stop.signal.aborted || this.done.signal.aborted ? undefined : (err as Error)?.message ?? String(err));
    } finally {
      stop.abort();
      void iterator?.return?.().catch(() => undefined);
    }
  }
}
