// The agent's SourceRunner with isolation: every precondition and source query runs in one of
// the process's query workers (session.ts), never on the thread that holds the agent's
// connection, heartbeats and other flows. Same events as the in-process runner
// (executor/vql-runner.ts), which pooled agents keep using. The client event table's queries
// get a worker each (createIsolatedEventRunner), up to TALON_AGENT_EVENT_WORKERS.
import type { SourceRunner } from "../executor/types";
import type { AgentIsolationConfig } from "./config";
import type { AgentWorkerPool } from "./pool";
import { runInAgentWorker } from "./session";

export function createIsolatedVqlRunner(pool: AgentWorkerPool, c: Pick<AgentIsolationConfig, "graceMs" | "heapMb">): SourceRunner {
  return {
    async precondition(vql, ctx) {
      const result = { matched: false };
      for await (const e of runInAgentWorker(pool, { mode: "precondition", vql, ctx, graceMs: c.graceMs, heapMb: c.heapMb }, result)) {
        if (e.kind === "log") ctx.responder.log(e.level, e.message, ctx.artifact);
      }
      return result.matched;
    },
    run(vql, ctx) {
      return runInAgentWorker(pool, { mode: "run", vql, ctx, graceMs: c.graceMs, heapMb: c.heapMb });
    },
  };
}

/**
 * The client event table's runner: each event query (it never ends by itself) in a worker of
 * its own from `pool`, while the pool has room; past that, on the main thread (`fallback`),
 * with a line in the query's log saying so.
 */
export function createIsolatedEventRunner(pool: AgentWorkerPool, max: number, c: Pick<AgentIsolationConfig, "graceMs" | "heapMb">, fallback: SourceRunner): SourceRunner {
  const isolated = createIsolatedVqlRunner(pool, c);
  const full = () => pool.stats.running + pool.stats.waiting >= max;
  return {
    precondition: (vql, ctx) => (full() ? fallback.precondition(vql, ctx) : isolated.precondition(vql, ctx)),
    run(vql, ctx) {
      if (!full()) return isolated.run(vql, ctx);
      ctx.responder.log("WARN", `more than ${max} client event queries: this one runs on the agent's main thread (raise TALON_AGENT_EVENT_WORKERS)`, ctx.artifact);
      return fallback.run(vql, ctx);
    },
  };
}
