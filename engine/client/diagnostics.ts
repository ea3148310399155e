// The agent's side of the developer builtins: its log lines kept in a ring as they are logged
// (ringLog wraps the agent's AgentLog; fields named like secrets are redacted), the queries its
// executor runs, its process metrics, and rekey (a new identity from `makeIdentity`, switched
// to after `wait` seconds by `switchTo`). One per agent: pool agents each have their own.
import type { AgentLog } from "./connection/agent-connection";
import type { Identity } from "./identity";
import type { ProcessDiagnostics } from "@/engine/endpoint/diagnostics/diagnostics";
import { LogRing, redactFields } from "@/engine/endpoint/diagnostics/log-ring";
import { QueryLog } from "@/engine/endpoint/diagnostics/query-log";
import { processMetrics } from "@/engine/endpoint/diagnostics/process-metrics";

/** `log` that also keeps each line (with secret-looking fields redacted) in `ring`. */
export function ringLog(log: AgentLog, ring: LogRing): AgentLog {
  return (level, message, fields) => {
    ring.push(level, message + redactFields(fields), "client");
    log(level, message, fields);
  };
}

export interface AgentDiagnosticsOptions {
  ring: LogRing;
  queries: QueryLog;
  /** Makes and stores a new identity (a new key and client id). */
  makeIdentity(): Identity;
  /** Reconnects as `id`. */
  switchTo(id: Identity): void;
  log: AgentLog;
  /** The server's crypto-file public key from the last welcome (undefined: none yet). */
  serverPublicKey?(): string | undefined;
}

export interface AgentDiagnostics extends ProcessDiagnostics {
  /** Cancels a rekey still waiting (the agent stops). */
  close(): void;
}

export function agentDiagnostics(o: AgentDiagnosticsOptions): AgentDiagnostics {
  const timers = new Set<NodeJS.Timeout>();
  return {
    component: "client",
    logs: (after) => o.ring.since(after),
    queries: () => o.queries.get(),
    metrics: () => processMetrics(),
    serverPublicKey: () => o.serverPublicKey?.() ?? "",
    rekey(wait) {
      const id = o.makeIdentity();
      o.log("warn", "rekey: a new identity was made; reconnecting as it", { clientId: id.clientId, inSeconds: wait });
      const t = setTimeout(() => {
        timers.delete(t);
        o.switchTo(id);
      }, wait * 1000);
      timers.add(t);
      return id.clientId;
    },
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}

export { LogRing, QueryLog };
