// An agent for this machine with its state in a directory: identity.json, an on-disk outbox and
// the client event table it runs (event-table.json).
// Used by `talon client` and by `talon serve`'s local agent (a child process: local-agent.ts).
// Its builtins never read the state dir, its own /proc entry or TALON_AGENT_PROTECTED_PATHS;
// the local agent adds the server's data dir and process (protected-paths.ts).
// Collections run in a small pool of query workers (engine/client/isolation:
// TALON_AGENT_VQL_WORKERS, default 2; 0 runs them here), so a runaway query cannot wedge the
// connection; the client event table's never-ending watch queries run each in a worker of its
// own (TALON_AGENT_EVENT_WORKERS, default 8; beyond that, and with 0, on this thread).
import * as fs from "node:fs";
import { join } from "node:path";
import { createAgent, type Agent } from "./agent";
import type { AgentLog } from "./connection/agent-connection";
import { FileOutbox } from "./connection/file-outbox";
import { serverList, type ServerTarget } from "./connection/servers";
import { fileEventTableStore } from "./executor/event-table";
import { createVqlRunner } from "./executor/vql-runner";
import { agentIsolationFromEnv, type AgentIsolationConfig } from "./isolation/config";
import { createAgentWorkerPool, type AgentWorkerPool } from "./isolation/pool";
import { createIsolatedEventRunner, createIsolatedVqlRunner } from "./isolation/runner";
import { loadOrCreateIdentity, rekeyIdentity, replaceIdentity } from "./identity";
import { fileServerKeyStore } from "./server-key";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { createPathGuard, parseProtectedPaths, protectedPaths, type ProtectionOptions } from "@/engine/endpoint/builtins/protected-paths";

export type LocalAgentOptions = ServerTarget & {
  token?: string;
  stateDir: string;
  version: string;
  log: AgentLog;
  /** The server's own host: its data dir and pid, protected from collections. */
  serverHost?: Pick<ProtectionOptions, "serverDataDir" | "serverPid">;
  /** Protected paths besides the defaults (default: TALON_AGENT_PROTECTED_PATHS). */
  protectedPaths?: string[];
  /** Make a new key, keeping the client id (after an administrator's re-key). */
  rekey?: boolean;
  /** Query workers (default: from the environment, agentIsolationFromEnv). */
  isolation?: AgentIsolationConfig;
};

export function createLocalAgent(o: LocalAgentOptions): Agent & { created: boolean; queryWorkers?: AgentWorkerPool; eventWorkers?: AgentWorkerPool } {
  const identity = o.rekey ? rekeyIdentity(o.stateDir) : loadOrCreateIdentity(o.stateDir);
  const list = protectedPaths({ stateDir: o.stateDir, ...o.serverHost, extra: o.protectedPaths ?? parseProtectedPaths(process.env.TALON_AGENT_PROTECTED_PATHS) });
  const protect = createPathGuard(list);
  const inProcess = createVqlRunner(createLinuxSystem(), undefined, { protect });
  const iso = o.isolation ?? agentIsolationFromEnv();
  const pool = iso.workers > 0 ? createAgentWorkerPool(iso, list) : undefined;
  pool?.warm();
  const eventMax = iso.eventWorkers ?? 8;
  const eventPool = iso.workers > 0 && eventMax > 0 ? createAgentWorkerPool(iso, list, { size: 0, max: eventMax, spare: 0 }) : undefined;
  const agent = createAgent({
    servers: serverList(o),
    token: o.token,
    identity,
    outbox: new FileOutbox(join(o.stateDir, "outbox")),
    runner: pool ? createIsolatedVqlRunner(pool, iso) : inProcess,
    eventRunner: eventPool ? createIsolatedEventRunner(eventPool, eventMax, iso, inProcess) : inProcess,
    version: o.version,
    log: o.log,
    eventTableStore: fileEventTableStore(join(o.stateDir, "event-table.json"), fs),
    makeIdentity: () => replaceIdentity(o.stateDir),
    serverKeyStore: fileServerKeyStore(join(o.stateDir, "server-key.json")),
  });
  const stop = agent.stop;
  return Object.assign(agent, {
    created: identity.created,
    queryWorkers: pool,
    eventWorkers: eventPool,
    async stop() {
      await stop();
      await Promise.all([pool?.close(), eventPool?.close()]);
    },
  });
}

/** `time LEVEL message key=value` lines, like the server's log. */
export function lineLog(write: (line: string) => void, prefix = ""): AgentLog {
  return (level, message, fields) => {
    const extra = fields ? Object.entries(fields).map(([k, v]) => ` ${k}=${typeof v === "string" ? (/\s/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v)}`).join("") : "";
    write(`${new Date().toISOString()} ${level.toUpperCase()} ${prefix}${message}${extra}`);
  };
}
