/**
 * What the event plugins (clock, diff, fifo, delay) share: eventStream() runs a plugin's async
 * generator under a signal of its own, and pause() waits on it. Owns no plugin semantics.
 */
import { abortableDelay } from "../time/sleep";
import { END, PluginStream } from "../stream-base";
import type { BuiltinContext } from "../types";
import type { MaybePromise } from "@/engine/vql/values/query";

/** setTimeout's largest delay (about 24.8 days); longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Resolves after `ms` (any length), or rejects with the signal's reason as soon as it aborts. */
export async function pause(ms: number, signal: AbortSignal): Promise<void> {
  const until = performance.now() + ms;
  for (let left = ms; ; left = until - performance.now()) {
    signal.throwIfAborted();
    if (!(left > 0)) return;
    await abortableDelay(Math.min(left, MAX_TIMER_MS), signal);
  }
}

/**
 * The rows of `body(signal)`, where `signal` aborts when the query does and also when the
 * consumer closes the stream (LIMIT, break, an enclosing query ending). A plain async
 * generator closed while it awaits a timer would only stop once the timer fired; here the
 * timer is cleared at once. Cancellation of the query propagates; a close ends the rows
 * quietly; any other failure is logged as `<name>: <message>` and ends the rows.
 */
export function eventStream(ctx: BuiltinContext, body: (signal: AbortSignal) => AsyncGenerator<unknown>): PluginStream {
  return new EventStream(ctx, body);
}

class EventStream extends PluginStream {
  private readonly local = new AbortController();
  private readonly gen: AsyncGenerator<unknown>;
  private readonly outer: AbortSignal;
  private closed = false;
  private running = false;
  private readonly onOuterAbort = () => this.local.abort(this.outer.reason);

  constructor(
    private readonly ctx: BuiltinContext,
    body: (signal: AbortSignal) => AsyncGenerator<unknown>,
  ) {
    super();
    this.outer = ctx.signal;
    if (this.outer.aborted) this.local.abort(this.outer.reason);
    else this.outer.addEventListener("abort", this.onOuterAbort, { once: true });
    this.gen = body(this.local.signal);
  }

  next(): MaybePromise<unknown> {
    if (this.closed) return END;
    this.running = true;
    return this.gen.next().then(
      (r) => {
        this.running = false;
        if (!r.done) return r.value;
        this.detach();
        return END;
      },
      (e: unknown) => {
        this.running = false;
        this.detach();
        if (this.outer.aborted) throw e;
        if (this.closed) return END;
        this.ctx.log("ERROR", `${this.ctx.name}: ${e instanceof Error ? e.message : String(e)}`);
        return END;
      },
    );
  }

  close(): MaybePromise<void> {
    if (this.closed) return;
    this.closed = true;
    this.local.abort();
    this.detach();
    // A generator inside an await finishes as soon as that await sees the abort; do not wait.
    const done = this.gen.return(undefined).then(
      () => undefined,
      () => undefined,
    );
    return this.running ? undefined : done;
  }

  private detach(): void {
    this.outer.removeEventListener("abort", this.onOuterAbort);
  }
}
