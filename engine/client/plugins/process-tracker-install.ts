// process_tracker() and process_tracker_updates(): installing a process tracker on the endpoint
// (like Velociraptor's global tracker, one per agent: in pool mode, per synthetic endpoint) fed
// by `sync_query` every `sync_period` ms and by the event query `update_query`, until the
// query that installed it ends (then its timer and queries stop and the pslist() view is back),
// and streaming its updates. The process_tracker_* lookups answer from it (process-tracker.ts).
import { abortable, arg, defineFunction, definePlugin, OrderedDict, untilAborted, type QueryArg } from "@/engine/vql";
import type { EndpointSystem } from "@/engine/endpoint/builtins/system";
import { agentHost } from "./host";
import { toUpdate, TrackerState, type TrackerUpdate } from "./process-tracker-state";

export interface InstalledTracker {
  state: TrackerState;
  /** Lambdas whose dict results are merged into a process's Data by process_tracker_get(). */
  enrichments: string[];
}

const installed = new WeakMap<EndpointSystem, InstalledTracker>();

/** The tracker installed on this endpoint, if a running query installed one. */
export function installedTracker(system: EndpointSystem): InstalledTracker | undefined {
  return installed.get(system);
}

const DEFAULT_PERIOD_MS = 5000;
const DEFAULT_MAX_SIZE = 10_000;
const DEFAULT_EXPIRY_S = 24 * 60 * 60;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export const processTrackerFunction = defineFunction({
  name: "process_tracker",
  category: "client",
  doc: "Installs a process tracker on the endpoint until this query ends: a full sync from `sync_query` (rows of id, parent_id, start_time, data: usually over pslist()) at once and every `sync_period` ms, and live start/exit rows (id, parent_id, update_type, start_time, end_time, data) from the event query `update_query`. Exited processes are kept for `max_expiry` seconds, at most `max_size` processes. The process_tracker_* builtins then answer from it.",
  args: {
    sync_query: arg.query().doc("Rows for a full sync: id, parent_id, start_time, data (a dict)."),
    sync_period: arg.int().doc("How often to do a full sync, in milliseconds (default 5000)."),
    update_query: arg.query().doc("An event query of updates: update_type 'start' or 'exit', with id, parent_id, start_time, end_time, data."),
    max_size: arg.int().doc("At most this many processes are kept (default 10000): the oldest exited ones are evicted first."),
    max_expiry: arg.int().doc("Exited processes are kept this many seconds (default 86400)."),
    enrichments: arg.list(arg.string()).doc("Lambdas over a process entry returning a dict merged into its Data when process_tracker_get() returns it."),
    cache: arg.string().doc("Accepted for compatibility: the tracker is kept in memory."),
  },
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  impure: true,
  sideEffects: true,
  argErrorValue: false,
  async run(args, ctx) {
    const system = agentHost(ctx.host).system;
    const period = args.sync_period && args.sync_period > 0 ? args.sync_period : DEFAULT_PERIOD_MS;
    const maxSize = args.max_size && args.max_size > 0 ? args.max_size : DEFAULT_MAX_SIZE;
    const expiry = args.max_expiry && args.max_expiry > 0 ? args.max_expiry : DEFAULT_EXPIRY_S;
    if (!args.sync_query && !args.update_query) {
      ctx.log("ERROR", "process_tracker: give sync_query, update_query or both");
      return false;
    }
    if (args.cache) ctx.log("INFO", "process_tracker: cache is not supported, the tracker is kept in memory");
    const state = new TrackerState(maxSize, expiry * 1000);
    const me: InstalledTracker = { state, enrichments: args.enrichments ?? [] };
    // Run-wide parts of the context, usable until the run ends (BuiltinContext.runShared).
    const runSignal = ctx.signal;
    const now = () => ctx.now();
    const log = ctx.log.bind(ctx);
    const stop = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const end = () => {
      stop.abort();
      clearTimeout(timer);
      state.stop();
      if (installed.get(system) === me) installed.delete(system);
    };
    if (runSignal.aborted) throw runSignal.reason;
    runSignal.addEventListener("abort", end, { once: true });

    const fullSync = async (q: QueryArg) => {
      const ac = new AbortController();
      const cancel = () => ac.abort(new Error(`the sync query took longer than sync_period (${period} ms)`));
      const limit = setTimeout(cancel, period);
      stop.signal.addEventListener("abort", cancel, { once: true });
      try {
        const rows: TrackerUpdate[] = [];
        for await (const row of abortable(q.rows(), ac.signal)) {
          try {
            rows.push(toUpdate(row, "sync"));
          } catch (e) {
            throw new Error(`SyncQuery does not return correct rows: ${message(e)}`);
          }
        }
        state.sync(rows, now());
      } finally {
        clearTimeout(limit);
        stop.signal.removeEventListener("abort", cancel);
      }
    };

    if (args.sync_query) {
      const q = args.sync_query;
      try {
        await untilAborted(fullSync(q), runSignal);
      } catch (e) {
        if (runSignal.aborted) throw e;
        end();
        log("ERROR", `process_tracker: ${message(e)}`);
        return false;
      }
      const again = () => {
        timer = setTimeout(() => {
          fullSync(q)
            .catch((e) => {
              if (!stop.signal.aborted) log("WARN", `process_tracker: ${message(e)}`);
            })
            .finally(() => {
              if (!stop.signal.aborted) again();
            });
        }, period);
      };
      again();
    }

    if (args.update_query) {
      const q = args.update_query;
      void (async () => {
        try {
          for await (const row of abortable(q.rows(), stop.signal)) {
            try {
              state.apply(toUpdate(row), now());
            } catch (e) {
              log("WARN", `process_tracker: tracker update query error: ${message(e)}`);
            }
          }
        } catch (e) {
          if (!stop.signal.aborted) log("WARN", `process_tracker: the update query failed: ${message(e)}`);
        }
      })();
    }

    installed.set(system, me);
    return new OrderedDict([
      ["SyncPeriod", period],
      ["MaxSize", maxSize],
      ["MaxExpiry", expiry],
      ["Processes", state.size],
    ]);
  },
});

/** The "sync" row of the pslist() view (no tracker installed): set by process-tracker.ts. */
export type DummySync = (system: EndpointSystem, now: number, signal: AbortSignal) => Promise<OrderedDict>;

export function processTrackerUpdatesPlugin(dummySync: DummySync) {
  return definePlugin({
    name: "process_tracker_updates",
    category: "client",
    doc: "The installed process tracker's updates as they happen (id, parent_id, update_type, start_time, end_time, data): first a 'sync' row holding every known process by id, then 'sync' rows of each full sync and 'start'/'exit' rows. Without an installed tracker, one 'sync' row from pslist().",
    args: {},
    permissions: ["MACHINE_STATE"],
    platforms: ["client"],
    async *run(_args, ctx) {
      const system = agentHost(ctx.host).system;
      const t = installed.get(system);
      if (!t) {
        yield await untilAborted(dummySync(system, ctx.now(), ctx.signal), ctx.signal);
        return;
      }
      const l = t.state.subscribe();
      try {
        yield t.state.syncRow(ctx.now());
        for (;;) {
          while (l.queue.length > 0) yield l.queue.shift();
          if (l.closed) return;
          await untilAborted(new Promise<void>((r) => (l.wake = r)), ctx.signal);
          l.wake = undefined;
        }
      } finally {
        t.state.unsubscribe(l);
      }
    },
  });
}
