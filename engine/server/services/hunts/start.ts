// Builds the hunts service: creation, reads and updates for callers; the foreman and the
// manager on the process holding the lease `hunt-manager`. The foreman follows enrolments,
// interrogations and added labels through checkpoints (at least once; offering a client twice
// inserts nothing), so a client labelled after a hunt started joins it.
import {
  ENROLLMENT_QUEUE,
  INTERROGATION_QUEUE,
  LABEL_QUEUE,
  type AgentPresence,
  type AuditService,
  type ClientsService,
  type FlowsService,
  type HuntsService,
  type Journal,
  type JournalEvent,
  type Leases,
  type ServiceDeps,
} from "@/engine/server/contracts";
import { setTimeout as sleep } from "node:timers/promises";
import type { RunQuery } from "./condition";
import { createHunt } from "./create";
import { estimateHunt } from "./estimate";
import { startForeman } from "./foreman";
import { startManager } from "./manager";
import { startHuntReads } from "./read";
import { startHuntUpdates } from "./update";

export interface HuntsDeps extends ServiceDeps {
  audit: Pick<AuditService, "record">;
  journal: Pick<Journal, "append" | "appendFor" | "consumer" | "checkpoint">;
  leases: Leases;
  flows: Pick<FlowsService, "compile" | "compileQuery" | "collectCompiled" | "results" | "withdrawWaiting">;
  clients: Pick<ClientsService, "serverHostIds">;
  /** Who is online (the live estimate). */
  presence: Pick<AgentPresence, "online">;
  /** Runs server-side conditions (the query service, bound late: it is built after this service). */
  runQuery: RunQuery;
  /** How often the manager ticks (default 1 s; tests shorten it). */
  tickMs: number;
}

/** Which client a trigger event is about, or undefined when it is not a reason to offer hunts. */
function triggerClient(queue: string, e: JournalEvent): string | undefined {
  if (queue === LABEL_QUEUE && String(e.payload.Operation ?? "") !== "Add") return undefined;
  const id = e.payload.ClientId ?? e.payload.client_id ?? e.clientId;
  return typeof id === "string" && id.startsWith("C.") ? id : undefined;
}

export function startHunts(deps: Omit<HuntsDeps, "tickMs"> & { tickMs?: number }, signal: AbortSignal): HuntsService {
  const d: HuntsDeps = { ...deps, tickMs: deps.tickMs ?? 1000 };
  const reads = startHuntReads(d);
  const updates = startHuntUpdates(d, async (id) => reads.load(id).catch(() => undefined));
  const foreman = startForeman(d, d.runQuery);
  const manager = startManager(d, foreman);
  const triggers = [ENROLLMENT_QUEUE, INTERROGATION_QUEUE, LABEL_QUEUE].map((q) => ({ queue: q, checkpoint: d.journal.checkpoint(`hunt-foreman:${q}`, q) }));

  async function follow(t: (typeof triggers)[number], s: AbortSignal) {
    while (!s.aborted) {
      const events = await t.checkpoint.next({ limit: 500, signal: s });
      if (!events.length) continue;
      const ids = [...new Set(events.map((e) => triggerClient(t.queue, e)).filter((x): x is string => Boolean(x)))];
      // The same batch until it is offered (the checkpoint's next() would move past it).
      for (;;) {
        try {
          await foreman.offerClients(ids, s);
          await t.checkpoint.commit(events[events.length - 1]!);
          break;
        } catch (err) {
          if (s.aborted) return;
          d.log.warn("hunt foreman could not offer hunts; retrying", { queue: t.queue, error: (err as Error).message });
          await sleep(1000, undefined, { signal: s }).catch(() => {});
        }
      }
    }
  }

  void d.leases
    .hold("hunt-manager", async (s) => {
      await Promise.all([manager.run(s), ...triggers.map((t) => follow(t, s))]);
    }, signal)
    .catch(() => {});

  return {
    async create(actor, spec) {
      const h = await createHunt(d, actor, spec);
      await d.audit.record(actor, "CreateHunt", { hunt_id: h.huntId, artifacts: h.artifacts, state: h.state });
      return h;
    },
    list: reads.list,
    get: reads.get,
    request: reads.request,
    clients: reads.clients,
    results: reads.results,
    async update(actor, huntId, p) {
      await updates.update(actor, huntId, p);
      return reads.get(actor, huntId);
    },
    delete: updates.delete,
    estimate: (actor, spec) => estimateHunt(d, d.runQuery, actor, spec),
    async rerun(actor, huntId, p) {
      return updates.rerun(actor, huntId, p);
    },
    addClient: updates.addClient,
    tick: () => manager.tick(signal),
  };
}
