// Test support: the shared service deps on a test database with a real cluster node (slot,
// leases), bus, id source and journal, as wiring.ts builds them, for tests of one service.
import type { Database } from "@/drizzle";
import type { Clock, Logger, ServerConfig, ServiceDeps } from "@/engine/server/contracts";
import { startJournal, type StartedJournal } from "../services/journal";
import { startBus, type StartedBus } from "./bus";
import { createIdSource } from "./ids";
import { startClusterNode, type StartedNode } from "./node";

export const quietLog: Logger = { info() {}, warn() {}, error() {} };

export interface TestDeps extends ServiceDeps {
  node: StartedNode;
  bus: StartedBus;
  leases: StartedNode["leases"];
  journal: StartedJournal;
  signal: AbortSignal;
  stop(): Promise<void>;
}

export async function testServiceDeps(database: Database, o: { clock?: Clock; log?: Logger; config?: Partial<ServerConfig> } = {}): Promise<TestDeps> {
  const clock = o.clock ?? { now: () => new Date() };
  const log = o.log ?? quietLog;
  const controller = new AbortController();
  const node = await startClusterNode({ database, clock: { now: () => new Date() }, log }, { tickMs: 200 });
  const bus = await startBus({ database, node, clock, log });
  const ids = createIdSource(() => node.slot(), () => clock.now().getTime());
  const config: ServerConfig = { version: "test", dataDir: "", sessionIdleMs: 3600_000, sessionMaxMs: 7200_000, ...o.config };
  const base: ServiceDeps = { database, config, clock, log, ids };
  const journal = await startJournal({ ...base, leases: node.leases }, controller.signal);
  return {
    ...base,
    node,
    bus,
    leases: node.leases,
    journal,
    signal: controller.signal,
    async stop() {
      controller.abort();
      await journal.stop();
      await bus.stop();
      await node.stop();
    },
  };
}
