// What `talon serve` tells its local agent child on stdin, and the child's exit codes. Shared by
// both sides without loading the agent into the server.
import { z } from "zod";

/** The settings of the agent's query workers (engine/client/isolation/config.ts reads them). */
export const AGENT_ISOLATION_ENV = ["TALON_AGENT_VQL_WORKERS", "TALON_AGENT_VQL_WORKER_HEAP_MB", "TALON_AGENT_VQL_STOP_GRACE_MS", "TALON_AGENT_EVENT_WORKERS"] as const;

/** Those of them set in `env`. */
export function agentIsolationEnv(env: Record<string, string | undefined>): Partial<Record<(typeof AGENT_ISOLATION_ENV)[number], string>> {
  return Object.fromEntries(AGENT_ISOLATION_ENV.filter((k) => env[k] !== undefined && env[k] !== "").map((k) => [k, env[k]!]));
}

export const LocalAgentSettingsSchema = z.object({
  server: z.string().url(),
  token: z.string().min(1).max(500),
  stateDir: z.string().startsWith("/"),
  serverDataDir: z.string().startsWith("/"),
  serverPid: z.number().int().positive(),
  protectedPaths: z.array(z.string()).max(1000).default([]),
  /** The server's TALON_AGENT_VQL_* settings (the child's environment is scrubbed to a few names). */
  isolationEnv: z.partialRecord(z.enum(AGENT_ISOLATION_ENV), z.string().max(20)).default({}),
  rekey: z.boolean().default(false),
});
export type LocalAgentSettings = z.infer<typeof LocalAgentSettingsSchema>;

export const EXIT_REFUSED = 3;
export const EXIT_REKEY = 4;
/** The server killed the agent (killkillkill()): exit, for the service manager to start it again. */
export const EXIT_KILLED = 5;

/** Splits TALON_AGENT_PROTECTED_PATHS (absolute paths, separated by `:` or `,`). */
export function parseProtectedPathList(text: string | undefined): string[] {
  return (text ?? "").split(/[:,]/).map((s) => s.trim()).filter((s) => s.startsWith("/"));
}
