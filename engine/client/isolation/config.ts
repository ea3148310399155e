// How the agent isolates its queries, from the environment: the number of query workers (0 runs
// sources on the main thread, as pooled agents do), each worker's heap limit, and the grace
// period before a worker that does not stop after its source's timeout or cancel is
// terminated; and how many client event queries (never-ending watches) get a worker each
// before the rest run on the main thread. See docs/query-isolation.md ("Agent").
export interface AgentIsolationConfig {
  workers: number;
  /** Event-table queries run each in a worker of their own, up to this many (0: all on the main thread). */
  eventWorkers?: number;
  heapMb: number;
  graceMs: number;
  /** A worker whose heap is above this after a source is retired, in MB. */
  retireHeapMb: number;
}

function num(env: Record<string, string | undefined>, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
}

export function agentIsolationFromEnv(env: Record<string, string | undefined> = process.env): AgentIsolationConfig {
  return {
    workers: num(env, "TALON_AGENT_VQL_WORKERS") ?? 2,
    eventWorkers: num(env, "TALON_AGENT_EVENT_WORKERS") ?? 8,
    heapMb: Math.max(64, num(env, "TALON_AGENT_VQL_WORKER_HEAP_MB") ?? 512),
    graceMs: num(env, "TALON_AGENT_VQL_STOP_GRACE_MS") ?? 1000,
    retireHeapMb: 256,
  };
}
