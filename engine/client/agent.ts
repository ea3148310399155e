// The endpoint agent: identity + outbox + connection + executor, wired together. `talon client`
// (engine/cli/client.ts) and pool mode build agents with this; the agent never imports the
// server.
import { AgentConnection, type AgentLog, type StopReason } from "./connection/agent-connection";
import type { BackoffOptions } from "./connection/backoff";
import type { Outbox } from "./connection/outbox";
import { serverList, type ServerTarget } from "./connection/servers";
import { EventTable, type EventTableStore } from "./executor/event-table";
import { Executor } from "./executor/executor";
import type { SourceRunner } from "./executor/types";
import { agentDiagnostics, LogRing, QueryLog, ringLog } from "./diagnostics";
import { newIdentity, type Identity } from "./identity";
import { configValue } from "@/engine/vql";
import { recordServerOrigins } from "@/engine/net";
import { withServerToolUrls } from "./tool-urls";
import { memoryServerKeyStore, serverKeyHolder, type ServerKeyStore } from "./server-key";

export const AGENT_NAME = "talon-agent";

/** `servers` in failover order, or a single `server` (see ConnectionOptions). */
export type AgentOptions = AgentSettings & ServerTarget;

export interface AgentSettings {
  token?: string;
  identity: Identity;
  outbox: Outbox;
  runner: SourceRunner;
  /** What the client event table runs its queries with (default: `runner`). */
  eventRunner?: SourceRunner;
  version: string;
  log: AgentLog;
  backoff?: BackoffOptions;
  concurrency?: number;
  /** Responder batching wait (tests shorten it). */
  maxWaitMs?: number;
  onWelcome?(welcome: { enrolled: boolean; ackedSeq: number; serverPublicKey?: string }): void;
  onFlowEnd?(flowId: string, state: string): void;
  /** Where the client event table is kept across restarts (absent: in memory only). */
  eventTableStore?: EventTableStore;
  /** rekey(): makes and stores a new identity (default: a new one kept in memory only). */
  makeIdentity?: () => Identity;
  /** Where the server's crypto-file public key is kept across restarts (absent: in memory only). */
  serverKeyStore?: ServerKeyStore;
}

export interface Agent {
  clientId: string;
  connection: AgentConnection;
  executor: Executor;
  /** The client event queries it runs continuously. */
  events: EventTable;
  /** Runs until stop(), a permanent refusal, or the server's kill (its flows stopped: the process should exit). */
  run(): Promise<StopReason>;
  stop(): Promise<void>;
}

export function createAgent(agentOptions: AgentOptions): Agent {
  const ring = new LogRing();
  const queryLog = new QueryLog();
  const o = { ...agentOptions, log: ringLog(agentOptions.log, ring) };
  // Set below: rekey() reconnects through it.
  let connection!: AgentConnection;
  const serverKey = serverKeyHolder(o.serverKeyStore ?? memoryServerKeyStore());
  const diagnostics = agentDiagnostics({ ring, queries: queryLog, makeIdentity: o.makeIdentity ?? newIdentity, switchTo: (id) => connection.switchIdentity(id), log: o.log, serverPublicKey: serverKey.get });
  // Tool downloads from these servers pass the outbound policy (engine/net/server-tools.ts).
  recordServerOrigins(serverList(o));
  const baseEnv = { config: configValue({ name: "talon", version: o.version, serverUrls: serverList(o) }) };
  const executor = new Executor({ outbox: o.outbox, runner: o.runner, concurrency: o.concurrency, log: o.log, maxWaitMs: o.maxWaitMs, onFlowEnd: o.onFlowEnd, baseEnv, diagnostics, queryLog });
  const events = new EventTable({ outbox: o.outbox, runner: o.eventRunner ?? o.runner, store: o.eventTableStore, log: o.log, maxWaitMs: o.maxWaitMs, baseEnv, diagnostics });
  connection = new AgentConnection({
    servers: serverList(o),
    identity: o.identity,
    token: o.token,
    agent: { name: AGENT_NAME, version: o.version },
    outbox: o.outbox,
    onCollect: (m) => executor.collect(withServerToolUrls(m, serverList(o))),
    onCancel: (m) => executor.cancel(m),
    onEventTable: (m) => events.apply(m),
    eventTableVersion: () => events.version(),
    running: () => executor.running(),
    log: o.log,
    backoff: o.backoff,
    onWelcome: (w) => {
      try {
        serverKey.update(w.serverPublicKey);
      } catch (err) {
        o.log("warn", "could not keep the server's public key", { error: (err as Error).message });
      }
      o.onWelcome?.(w);
    },
  });
  return {
    get clientId() {
      return connection.clientId;
    },
    connection,
    executor,
    events,
    async run() {
      const outcome = await connection.run();
      // Killed: every flow ends here, as they would with the process (no final status is sent).
      if (outcome.kind === "killed") executor.stopAll();
      return outcome;
    },
    async stop() {
      diagnostics.close();
      executor.stopAll();
      await events.stop();
      connection.stop();
      await o.outbox.close();
    },
  };
}
