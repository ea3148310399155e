// The agent's SourceRunner with isolation: every precondition and source query runs in one of
// the process's query workers (session.ts), never on the thread that holds the agent's
// connection, heartbeats and other flows. Same events as the in-process runner
// (executor/vql-runner.ts), which pooled agents and the client event table keep using.
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
