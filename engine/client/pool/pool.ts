// Pool mode: N simulated endpoints in one process, each with its own identity (derived from the
// seed, so a restarted pool is the same fleet), its own synthetic endpoint data, and a real
// agent (protocol, outbox, executor, VQL) sharing one event loop and one builtin registry.
// Agents start at a bounded rate so the server is not hit by N handshakes at once. With several
// server URLs every agent fails over along the list; `spread` rotates each agent's starting point
// so the fleet is shared among the servers instead of all landing on the first. Pooled endpoints
// run with the pool's registry: the agent's builtins plus the operating system's event plugins
// they simulate (plugins/), at `eventRate` activities per endpoint per second. An agent the
// server kills (killkillkill()) is started again after `restartMs`, like a service its manager
// restarts: same identity, a new memory outbox (what was not sent is lost, as with a hard exit).
import { createHash } from "node:crypto";
import { createAgent, type Agent } from "../agent";
import type { AgentLog } from "../connection/agent-connection";
import { MemoryOutbox } from "../connection/outbox";
import { rotate, serverList, type ServerTarget } from "../connection/servers";
import { createVqlRunner } from "../executor/vql-runner";
import { identityFromSeed } from "../identity";
import { makeProfile, type Profile } from "./profiles";
import { poolRegistry } from "./plugins";
import { createSyntheticSystem } from "./system";

/** `servers` in failover order, or a single `server`. */
export type PoolOptions = PoolSettings & ServerTarget;

export interface PoolSettings {
  token: string;
  /** Agent i starts at server i mod n (and fails over from there); default: all start at the first. */
  spread?: boolean;
  count: number;
  seed?: string;
  /** Agents started per second (default 1000). */
  startRate?: number;
  version: string;
  log: AgentLog;
  /** Outbox bound per agent (memory). */
  outboxBytes?: number;
  /** Synthetic activity per endpoint per second for event queries (default 1; 0 = quiet). */
  eventRate?: number;
  /** How long a killed agent stays down before it starts again (default 1000 ms). */
  restartMs?: number;
}

export interface PoolStats {
  started: number;
  online: number;
  welcomed: number;
  enrolled: number;
  refused: number;
  flowsDone: number;
  /** Agents killed by the server and started again. */
  restarted: number;
}

export interface Pool {
  agents: Array<{ agent: Agent; profile: Profile }>;
  stats(): PoolStats;
  /** Resolves when every agent has been welcomed once (or refused). */
  allWelcomed(): Promise<void>;
  stop(): Promise<void>;
}

export function poolIdentitySeed(seed: string, index: number): Uint8Array {
  return createHash("sha256").update(`talon-pool/${seed}/${index}`).digest();
}

export function startPool(o: PoolOptions): Pool {
  const seed = o.seed ?? "talon";
  const servers = serverList(o);
  const stats: PoolStats = { started: 0, online: 0, welcomed: 0, enrolled: 0, refused: 0, flowsDone: 0, restarted: 0 };
  const welcomedOnce = new Set<number>();
  const agents: Pool["agents"] = [];
  let stopped = false;
  let waiters: Array<() => void> = [];
  const settle = () => {
    if (welcomedOnce.size + stats.refused >= o.count) for (const w of waiters.splice(0)) w();
  };
  // Agent logs: errors only, and not one line per agent for the same message.
  const seenErrors = new Map<string, number>();
  const log: AgentLog = (level, message, fields) => {
    if (level !== "error") return;
    const n = (seenErrors.get(message) ?? 0) + 1;
    seenErrors.set(message, n);
    if (n <= 3 || n % 1000 === 0) o.log(level, `${message}${n > 1 ? ` (${n} agents)` : ""}`, fields);
  };

  function startOne(i: number) {
    const profile = makeProfile(seed, i);
    const agent = createAgent({
      servers: o.spread ? rotate(servers, i) : servers,
      token: o.token,
      identity: identityFromSeed(poolIdentitySeed(seed, i)),
      outbox: new MemoryOutbox(o.outboxBytes ?? 4 * 1024 * 1024),
      runner: createVqlRunner(createSyntheticSystem(profile, { rate: o.eventRate }), poolRegistry()),
      version: o.version,
      log,
      concurrency: 2,
      backoff: { baseMs: 1000, maxMs: 30_000 },
      onWelcome: (w) => {
        if (!welcomedOnce.has(i)) {
          welcomedOnce.add(i);
          stats.welcomed++;
          if (w.enrolled) stats.enrolled++;
          settle();
        }
      },
      onFlowEnd: () => stats.flowsDone++,
    });
    agents[i] = { agent, profile };
    stats.started++;
    agent.run().then(async (outcome) => {
      if (outcome.kind === "refused") {
        stats.refused++;
        settle();
      }
      if (outcome.kind === "killed") {
        await agent.stop();
        await new Promise((r) => setTimeout(r, o.restartMs ?? 1000));
        if (stopped) return;
        stats.restarted++;
        startOne(i);
      }
    });
  }

  (async () => {
    const rate = o.startRate ?? 1000;
    const tick = 50;
    const perTick = Math.max(1, Math.round((rate * tick) / 1000));
    for (let i = 0; i < o.count && !stopped; ) {
      for (let k = 0; k < perTick && i < o.count; k++, i++) startOne(i);
      await new Promise((r) => setTimeout(r, tick));
    }
  })();

  return {
    agents,
    stats: () => ({ ...stats, online: agents.filter((a) => a.agent.connection.isOnline).length }),
    allWelcomed() {
      return new Promise<void>((resolve) => {
        waiters.push(resolve);
        settle();
      });
    },
    async stop() {
      stopped = true;
      await Promise.all(agents.map((a) => a.agent.stop()));
      waiters = [];
    },
  };
}
