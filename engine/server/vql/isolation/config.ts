// How queries are isolated, from the environment: the worker pool's size and ceiling, each
// worker's heap limit, the grace period before a worker that does not stop is terminated, and
// the size caps the evaluator enforces (engine/vql/values/limits.ts). See docs/query-isolation.md.
import { availableParallelism } from "node:os";
import { DEFAULT_LIMITS, type LimitHints, type VqlLimits } from "@/engine/vql";

export interface IsolationConfig {
  /** 0 runs queries on the main thread (as before isolation; for debugging only). */
  workers: number;
  maxWorkers: number;
  heapMb: number;
  graceMs: number;
  /** A worker whose heap is above this after a run is retired, in MB. */
  retireHeapMb: number;
  limits: VqlLimits;
  hints: LimitHints;
}

export const LIMIT_ENV: Record<keyof VqlLimits, string> = {
  maxLetRows: "TALON_VQL_MAX_LET_ROWS",
  maxLetBytes: "TALON_VQL_MAX_LET_BYTES",
  maxStringLength: "TALON_VQL_MAX_STRING",
  maxListLength: "TALON_VQL_MAX_LIST",
  maxRegexInput: "TALON_VQL_MAX_REGEX_INPUT",
};

function num(env: Record<string, string | undefined>, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export function isolationFromEnv(env: Record<string, string | undefined> = process.env): IsolationConfig {
  const limits = { ...DEFAULT_LIMITS };
  for (const [k, name] of Object.entries(LIMIT_ENV) as Array<[keyof VqlLimits, string]>) {
    const v = num(env, name);
    if (v !== undefined && v > 0) limits[k] = Math.floor(v);
  }
  const workers = num(env, "TALON_VQL_WORKERS") ?? Math.max(2, availableParallelism());
  return {
    workers: Math.floor(workers),
    maxWorkers: Math.max(1, Math.floor(num(env, "TALON_VQL_MAX_WORKERS") ?? 64)),
    heapMb: Math.max(64, Math.floor(num(env, "TALON_VQL_WORKER_HEAP_MB") ?? 1024)),
    graceMs: Math.floor(num(env, "TALON_VQL_STOP_GRACE_MS") ?? 1000),
    retireHeapMb: 256,
    limits,
    hints: { ...LIMIT_ENV },
  };
}
