// Backtesting an event artifact: its sources run on the server as the user, over the stored
// history of the queues they watch, as if those events were arriving now. watch_monitoring()
// and `Artifact.X()` of a stored event artifact replay [now - hours, now) oldest first and then
// end (so the query ends); every builtin declared `sideEffects` (label set/remove, send_event,
// collect_client, artifact and table changes, notebooks, metadata) is replaced by a recorder
// that reports what it would have done and does nothing. A CLIENT_EVENT artifact's OS sources
// (watch_etw(), watch_syslog()...) have no history on the server: their calls fail as unknown
// here and the logs say so. clock() ticks live and has no history either: in a backtest it
// yields no tick and logs so (it would otherwise tick in real time until the time limit, rows of
// the server's clock, not of the window). Limits: 60 s, 10,000 rows kept, 1,000,000 events
// replayed; and a backtest is one of the user's ad-hoc runs: it takes a run slot or is refused
// (429) when the user already runs their role's number of queries and cells.
import { compileArtifact, formatDiagnostic, resolveParameters } from "@/engine/artifacts";
import { arg, definePlugin, OrderedDict, toJsonValue, type Builtin, type PluginLike } from "@/engine/vql";
import {
  requirePermission,
  ServiceError,
  type ArtifactsService,
  type BacktestResult,
  type BacktestService,
  type Journal,
  type JournalEvent,
  type LimitsService,
  type QueryService,
  type ServiceDeps,
} from "@/engine/server/contracts";

export interface BacktestDeps extends ServiceDeps {
  artifacts: Pick<ArtifactsService, "validate" | "get">;
  journal: Pick<Journal, "history" | "isStored">;
  queries: Pick<QueryService, "run" | "registry">;
  /** The user's run slots (a backtest counts as one of their ad-hoc runs). */
  limits: Pick<LimitsService, "tryAcquire">;
}

const MAX_REPLAY = 1_000_000;
const MAX_EFFECTS = 10_000;
const MAX_LOGS = 1000;
const TIMEOUT_MS = 60_000;
const PAGE = 1000;

function toVql(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toVql);
  if (v && typeof v === "object") return new OrderedDict(Object.entries(v).map(([k, x]) => [k, toVql(x)]));
  return v;
}

export function startBacktest(deps: BacktestDeps): BacktestService {
  return {
    async backtest(actor, r) {
      const t0 = performance.now();
      const loaded = deps.artifacts.validate(r.yaml);
      const problem = loaded.diagnostics.find((d) => d.severity === "error");
      if (problem || !loaded.artifact) throw new ServiceError("bad_request", problem ? formatDiagnostic("artifact", r.yaml, problem) : "the artifact did not load");
      const a = loaded.artifact;
      if (a.type !== "SERVER_EVENT" && a.type !== "CLIENT_EVENT") throw new ServiceError("bad_request", `${a.name} is a ${a.type} artifact; only SERVER_EVENT and CLIENT_EVENT artifacts are backtested`);
      requirePermission(actor, a.type === "SERVER_EVENT" ? "COLLECT_SERVER" : "COLLECT_CLIENT");
      for (const perm of a.requiredPermissions) if (!actor.permissions.has(perm as never)) throw new ServiceError("forbidden", `${a.name} needs the ${perm} permission`);
      const hours = Math.min(Math.max(Number(r.hours) || 0, 1), 720);
      const maxRows = Math.min(Math.max(Math.trunc(r.maxRows ?? 10_000), 1), 100_000);
      const resolved = resolveParameters(a, (r.parameters ?? {}) as Record<string, unknown>);
      if (!resolved.ok) throw new ServiceError("bad_request", resolved.error);
      const to = deps.clock.now();
      const from = new Date(to.getTime() - hours * 3600_000);

      const result: BacktestResult = { artifact: a.name, type: a.type, from, to, rows: [], truncated: false, effects: [], replayed: [], logs: [], durationMs: 0 };
      const replayed = new Map<string, number>();
      let replayedTotal = 0;
      async function* replay(queue: string, clientId: string | undefined, signal: AbortSignal) {
        if (!deps.journal.isStored(queue)) return;
        const type = deps.artifacts.get(queue.split("/")[0]!, { exact: true })?.type;
        const client = clientId ?? (type === "SERVER_EVENT" ? "server" : undefined);
        replayed.set(queue, replayed.get(queue) ?? 0);
        let after: JournalEvent | undefined;
        while (replayedTotal < MAX_REPLAY) {
          signal.throwIfAborted();
          const page = await deps.journal.history(queue, { clientId: client, start: from, end: to, limit: PAGE, oldestFirst: true, ...(after ? { after } : {}) });
          after = page[page.length - 1];
          for (const e of page) {
            replayed.set(queue, replayed.get(queue)! + 1);
            replayedTotal++;
            yield toVql(e.payload);
          }
          if (page.length < PAGE) return;
        }
      }

      const watch = definePlugin({
        name: "watch_monitoring",
        category: "server",
        doc: "Backtest: replays the queue's stored rows of the backtest window, then ends.",
        args: { artifact: arg.string().required(), client_id: arg.string() },
        permissions: ["READ_RESULTS"],
        platforms: ["server"],
        run: ({ artifact, client_id }, ctx) => replay(artifact, client_id, ctx.signal),
      });
      const clock = definePlugin({
        name: "clock",
        category: "event",
        doc: "Backtest: a live clock has no stored ticks; yields none.",
        args: { start: arg.any(), period: arg.float(), ms: arg.int() },
        run: (_args, ctx) => {
          ctx.log("INFO", "clock() ticks live and has no stored history: the backtest takes none of its ticks");
          return [];
        },
      });
      const overrides: Builtin[] = [watch, clock];
      for (const b of deps.queries.registry.all) if (b.sideEffects) overrides.push(recorder(b, result.effects));

      const resolvePlugin = (dotted: string): PluginLike | undefined => {
        if (!dotted.startsWith("Artifact.")) return undefined;
        const name = dotted.slice("Artifact.".length);
        const target = deps.artifacts.get(name, { exact: true }) ?? deps.artifacts.get(name);
        if (!target || (target.type !== "CLIENT_EVENT" && target.type !== "SERVER_EVENT") || !deps.journal.isStored(target.name)) return undefined;
        const named = target.sources.filter((s) => s.name);
        return definePlugin({
          name: dotted,
          category: "artifact",
          doc: `Backtest: replays ${target.name}'s stored rows.`,
          args: { ...Object.fromEntries(target.parameters.map((p) => [p.name, arg.any()])), source: arg.string() },
          platforms: ["server"],
          run: (args, ctx) => replay(args.source ? `${target.name}/${String(args.source)}` : named.length === 1 ? `${target.name}/${named[0]!.name}` : target.name, undefined, ctx.signal),
        });
      };

      const compiled = compileArtifact(a, (n) => deps.artifacts.get(n, { exact: true }));
      const slot = await deps.limits.tryAcquire(actor, "backtest");
      if ("refused" in slot) throw new ServiceError("rate_limited", `you have ${slot.running} queries or notebook cells running, the most your role allows at once (${slot.limit}); try the backtest again when one has finished`);
      const deadline = AbortSignal.timeout(TIMEOUT_MS);
      try {
        for (const s of compiled.sources) {
          if (s.precondition && a.type === "CLIENT_EVENT") result.logs.push({ source: s.resultName, level: "INFO", message: "precondition not checked: it is about the endpoint, and the backtest runs on the server" });
          try {
            for await (const ev of deps.queries.run(s.query, { principal: actor, env: resolved.env, adhoc: false, overrides, resolvePlugin, signal: deadline, maxRows: maxRows + 1 })) {
              if (ev.kind === "row") {
                if (result.rows.length >= maxRows) {
                  result.truncated = true;
                  break;
                }
                result.rows.push({ source: s.resultName, row: toJsonValue(ev.row) as Record<string, unknown> });
              } else if (ev.kind === "log" && ev.level !== "DEBUG" && result.logs.length < MAX_LOGS) result.logs.push({ source: s.resultName, level: ev.level, message: ev.message });
            }
          } catch (err) {
            result.logs.push({ source: s.resultName, level: "ERROR", message: deadline.aborted ? `the backtest stopped after ${TIMEOUT_MS / 1000} s` : (err as Error).message });
          }
          if (deadline.aborted || result.truncated) break;
        }
      } finally {
        await slot.release();
      }
      result.replayed = [...replayed].map(([queue, events]) => ({ queue, events }));
      result.durationMs = Math.round(performance.now() - t0);
      return result;
    },
  };
}

/** The builtin as a recorder: reports the call, changes nothing (label(op='check') still reads). */
function recorder(b: Builtin, effects: BacktestResult["effects"]): Builtin {
  const record = (args: Record<string, unknown>) => {
    if (effects.length < MAX_EFFECTS) effects.push({ builtin: b.name, args: toJsonValue(new OrderedDict(Object.entries(args).filter(([, v]) => v !== undefined))) as Record<string, unknown> });
  };
  if (b.kind === "function") {
    return {
      ...b,
      async run(args, ctx, rest) {
        if (b.name === "label" && String(args.op ?? "set").toLowerCase() === "check") return b.run(args, ctx, rest);
        for (const [k, v] of rest ?? []) args = { ...args, [k]: v };
        record(args);
        if (b.name === "label") return new OrderedDict([["client_id", args.client_id], ["labels", args.labels], ["op", String(args.op ?? "set").toLowerCase()]]);
        return new OrderedDict([["dry_run", true], ...Object.entries(args).filter(([, v]) => v !== undefined)]);
      },
    } as Builtin;
  }
  return {
    ...b,
    async *run(args: Record<string, unknown>) {
      record(args);
    },
  } as unknown as Builtin;
}
