// The worker's side of the service RPC: a VqlServices whose methods post a call to the main
// thread and await the reply. It never sends a principal (the main thread supplies the run's);
// AbortSignals in arguments cross as markers and their abort is forwarded. journal.subscribe
// is a stream granted credit as its events are consumed; journal.checkpoint a handle. What it
// does not cover (artifacts.get/all) comes from the run's repository snapshot.
import type { MessagePort } from "node:worker_threads";
import { fromWire, toWire, type Wire } from "@/engine/vql";
import { ServiceError, type Artifact, type JournalEvent, type JournalSubscription, type VqlServices } from "@/engine/server/contracts";
import { ACTOR_METHODS } from "./methods";
import type { FromWorker, ToWorker } from "./protocol";

/** Events a subscription may have in flight before the worker grants more. */
const STREAM_CREDIT = 1024;

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

interface StreamState {
  items: unknown[];
  ended: boolean;
  error?: string;
  wake?: () => void;
  ready: () => void;
}

export interface ArtifactLookup {
  get(name: string, opts?: { exact?: boolean }): Artifact | undefined;
  all(): Artifact[];
}

export class WorkerRpc {
  private next = 1;
  private readonly calls = new Map<number, Pending>();
  private readonly streams = new Map<number, StreamState>();
  private readonly signals = new Map<AbortSignal, number>();

  constructor(private readonly port: MessagePort) {}

  private post(m: FromWorker): void {
    this.port.postMessage(m);
  }

  /** Handles a reply or a stream batch; false for messages that are not the RPC's. */
  onMessage(m: ToWorker): boolean {
    if (m.type === "reply") {
      const p = this.calls.get(m.call);
      if (!p) return true;
      this.calls.delete(m.call);
      if (m.ok) p.resolve(fromWire(m.value));
      else p.reject(m.code ? new ServiceError(m.code as ConstructorParameters<typeof ServiceError>[0], m.error) : new Error(m.error));
      return true;
    }
    if (m.type === "stream") {
      const s = this.streams.get(m.stream);
      if (!s) return true;
      s.ready();
      for (const it of m.items) s.items.push(fromWire(it));
      if (m.end) s.ended = true;
      if (m.error) s.error = m.error;
      s.wake?.();
      return true;
    }
    return false;
  }

  /** Ends what the last run left open: pending calls fail, streams end. */
  endRun(): void {
    for (const p of this.calls.values()) p.reject(new Error("the query ended"));
    this.calls.clear();
    for (const s of this.streams.values()) {
      s.ended = true;
      s.ready();
      s.wake?.();
    }
    this.streams.clear();
    this.signals.clear();
  }

  /** Arguments with AbortSignals (top level, or one level into an options object) replaced by markers. */
  private encodeArgs(args: unknown[]): Wire[] {
    return args.map((a) => {
      if (a instanceof AbortSignal) return this.marker(a);
      if (a && typeof a === "object" && !Array.isArray(a) && Object.getPrototypeOf(a) === Object.prototype) {
        const o = a as Record<string, unknown>;
        if (Object.values(o).some((v) => v instanceof AbortSignal)) {
          const copy: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(o)) copy[k] = v instanceof AbortSignal ? this.marker(v) : v;
          return toWire(copy);
        }
      }
      return toWire(a);
    });
  }

  private marker(signal: AbortSignal): { $signal: number } {
    let id = this.signals.get(signal);
    if (id === undefined) {
      id = this.next++;
      this.signals.set(signal, id);
      const sid = id;
      if (signal.aborted) queueMicrotask(() => this.post({ type: "abort", signal: sid }));
      else signal.addEventListener("abort", () => this.post({ type: "abort", signal: sid }), { once: true });
    }
    return { $signal: id };
  }

  call(service: string, method: string, args: unknown[], handle?: number): Promise<unknown> {
    const call = this.next++;
    return new Promise((resolve, reject) => {
      this.calls.set(call, { resolve, reject });
      const m: FromWorker = { type: "call", call, service, method, args: this.encodeArgs(args) };
      if (handle !== undefined) m.handle = handle;
      this.post(m);
    });
  }

  subscribe(args: unknown[], service = "journal", method = "subscribe"): JournalSubscription {
    const stream = this.next++;
    let ready!: () => void;
    const readyPromise = new Promise<void>((r) => (ready = r));
    const state: StreamState = { items: [], ended: false, ready };
    this.streams.set(stream, state);
    this.post({ type: "open-stream", stream, service, method, args: this.encodeArgs(args), credit: STREAM_CREDIT });
    const self = this;
    async function* events(): AsyncGenerator<JournalEvent> {
      try {
        for (;;) {
          if (state.items.length) {
            const batch = state.items.splice(0, state.items.length);
            self.post({ type: "stream-credit", stream, n: batch.length });
            for (const e of batch) yield e as JournalEvent;
            continue;
          }
          if (state.error) throw new Error(state.error);
          if (state.ended) return;
          await new Promise<void>((r) => (state.wake = r));
          state.wake = undefined;
        }
      } finally {
        if (self.streams.delete(stream)) self.post({ type: "close-stream", stream });
      }
    }
    return Object.assign(events(), { ready: readyPromise }) as unknown as JournalSubscription;
  }

  /** The services a run's builtins see. */
  services(artifacts: ArtifactLookup, hasNotebooks: boolean): VqlServices {
    const group = (service: keyof typeof ACTOR_METHODS) => {
      const o: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
      // The first argument is the builtin's principal: dropped, the main thread puts in the run's.
      for (const method of ACTOR_METHODS[service]) o[method] = (_actor: unknown, ...rest: unknown[]) => this.call(service, method, rest);
      return o;
    };
    const journal = {
      history: (...args: unknown[]) => this.call("journal", "history", args),
      isStored: (...args: unknown[]) => this.call("journal", "isStored", args),
      subscribe: (...args: unknown[]) => this.subscribe(args),
      checkpoint: (...args: unknown[]) => {
        const handle = this.next++;
        this.post({ type: "open-handle", handle, service: "journal", method: "checkpoint", args: this.encodeArgs(args) });
        const [name, queue] = args as [string, string];
        return {
          name,
          queue,
          next: (...a: unknown[]) => this.call("journal", "next", a, handle),
          commit: (...a: unknown[]) => this.call("journal", "commit", a, handle),
        };
      },
    };
    const services = {
      artifacts: { ...group("artifacts"), validate: (...args: unknown[]) => this.call("artifacts", "validate", args), get: artifacts.get, all: artifacts.all },
      clients: group("clients"),
      flows: group("flows"),
      accounts: group("accounts"),
      monitoring: group("monitoring"),
      alerts: group("alerts"),
      // hunts.results streams its rows; its principal, like every actor method's, is the run's.
      hunts: { ...group("hunts"), results: (_actor: unknown, ...rest: unknown[]) => this.subscribe(rest, "hunts", "results") },
      journal,
      secrets: group("secrets"),
      favorites: group("favorites"),
      fileStore: group("fileStore"),
      tools: group("tools"),
      userOptions: group("userOptions"),
      timelines: group("timelines"),
      userMessages: group("userMessages"),
      cryptoFiles: group("cryptoFiles"),
      diagnostics: {
        component: "server",
        logs: (...args: unknown[]) => this.call("diagnostics", "logs", args),
        queries: () => this.call("diagnostics", "queries", []),
        metrics: () => this.call("diagnostics", "metrics", []),
      },
      ...(hasNotebooks ? { notebooks: group("notebooks") } : {}),
    };
    return services as unknown as VqlServices;
  }
}
