// Interrogation: every newly enrolled client gets one Generic.Client.Info collection, started
// at a bounded rate (Velociraptor's enrollments_per_second, default 100). When that flow
// completes, its BasicInformation row fills the client record and Server.Internal.Interrogation
// {ClientId, FlowId} is recorded, both in the transaction that advances the durable consumer of
// System.Flow.Completion, so each interrogation is recorded exactly once. One process at a time
// does this, under the lease `interrogation`; whoever takes the lease first sweeps for clients
// that enrolled but were never interrogated (while no process held it, or before a restart),
// then follows Server.Internal.Enrollment.
import { setTimeout as sleep } from "node:timers/promises";
import { queries } from "@/drizzle";
import { permissionsOf } from "../../auth/roles";
import {
  ENROLLMENT_QUEUE,
  FLOW_COMPLETION_QUEUE,
  INTERROGATION_QUEUE,
  type ClientsService,
  type FlowsService,
  type InterrogationService,
  type Journal,
  type JournalEvent,
  type Leases,
  type Principal,
  type ServiceDeps,
} from "@/engine/server/contracts";
import type { Db } from "@/drizzle";

export const INTERROGATION_ARTIFACT = "Generic.Client.Info";
export const INTERROGATOR = "InterrogationService";
const SWEEP_MS = 60_000;

const SYSTEM: Principal = { userId: "system", username: INTERROGATOR, role: "administrator", permissions: permissionsOf("administrator"), via: "system" };

export interface InterrogationDeps extends ServiceDeps {
  clients: Pick<ClientsService, "recordInterrogations">;
  flows: Pick<FlowsService, "collect" | "collectMany" | "firstRows">;
  journal: Pick<Journal, "subscribe" | "consumer" | "appendFor">;
  leases: Leases;
  /** Interrogations started per second at most (0 disables interrogation). */
  perSecond?: number;
}

export function startInterrogation(deps: InterrogationDeps, signal: AbortSignal): InterrogationService {
  const perSecond = deps.perSecond ?? 100;
  const db = deps.database.db;
  const queue: string[] = [];
  const queued = new Set<string>();
  let wake: (() => void) | undefined;
  let missingWarned = false;

  function enqueue(clientId: string) {
    if (queued.has(clientId)) return;
    queued.add(clientId);
    queue.push(clientId);
    wake?.();
  }

  /** One collection per client of the slice still needing one, created in one write. */
  async function start(clientIds: string[]) {
    try {
      const due = await queries.filterUninterrogated(db, INTERROGATOR, clientIds);
      if (due.length) await deps.flows.collectMany(SYSTEM, { clientIds: due, artifacts: [INTERROGATION_ARTIFACT], creator: INTERROGATOR });
    } catch (err) {
      const e = err as Error & { code?: string };
      if (e.code === "not_found" && /artifact/.test(e.message)) {
        if (!missingWarned) deps.log.warn(`interrogation skipped: the artifact ${INTERROGATION_ARTIFACT} is not available`);
        missingWarned = true;
      } else deps.log.error("could not start interrogations", { clients: clientIds.length, error: e.message });
    }
  }

  /** Starts up to perSecond collections, then waits out the rest of the second. */
  async function rateLoop(s: AbortSignal) {
    while (!s.aborted) {
      if (!queue.length) {
        await new Promise<void>((resolve) => {
          const onAbort = () => resolve();
          wake = () => (s.removeEventListener("abort", onAbort), resolve());
          s.addEventListener("abort", onAbort, { once: true });
        });
        wake = undefined;
        continue;
      }
      const t0 = Date.now();
      const slice = queue.splice(0, perSecond);
      for (const id of slice) queued.delete(id);
      await start(slice);
      const rest = 1000 - (Date.now() - t0);
      if (queue.length && rest > 0) await sleep(rest, undefined, { signal: s }).catch(() => {});
    }
  }

  async function sweep() {
    for (const id of await queries.listUninterrogatedClients(db, INTERROGATOR, 100_000)) enqueue(id);
  }

  /** One batch of completions: the host rows read, the records filled and the events written at once. */
  async function record(events: JournalEvent[], tx: Db) {
    const done: Array<{ clientId: string; flowId: string; sources: string[] }> = [];
    for (const e of events) {
      const flow = (e.payload.Flow ?? {}) as { state?: string; request?: { creator?: string }; artifacts_with_results?: string[] };
      if (flow.request?.creator !== INTERROGATOR || flow.state !== "FINISHED") continue;
      // The repository may run Custom.Generic.Client.Info in its place. BasicInformation is
      // Velociraptor's source with the host facts; otherwise the first with a Hostname.
      const sources = (flow.artifacts_with_results ?? []).filter((a) => a.split("/")[0]!.replace(/^Custom\./, "") === INTERROGATION_ARTIFACT);
      sources.sort((a, b) => Number(b.endsWith("/BasicInformation")) - Number(a.endsWith("/BasicInformation")));
      done.push({ clientId: String(e.payload.ClientId), flowId: String(e.payload.FlowId), sources });
    }
    if (!done.length) return;
    const rows = await deps.flows.firstRows(SYSTEM, done.flatMap((d) => d.sources.map((artifact) => ({ flowId: d.flowId, artifact }))), { tx });
    const found: Array<{ clientId: string; flowId: string; info: Record<string, unknown> }> = [];
    for (const d of done) {
      const info = d.sources.map((a) => rows.get(`${d.flowId}\u0000${a}`)).find((r) => r && ("Hostname" in r || "hostname" in r));
      if (info) found.push({ clientId: d.clientId, flowId: d.flowId, info });
      else deps.log.warn("interrogation returned no host information", { clientId: d.clientId, flowId: d.flowId });
    }
    await deps.clients.recordInterrogations(found, { tx });
    await deps.journal.appendFor(INTERROGATION_QUEUE, found.map((f) => ({ clientId: f.clientId, row: { ClientId: f.clientId, FlowId: f.flowId } })), { tx });
  }

  const results = deps.journal.consumer("interrogation", FLOW_COMPLETION_QUEUE);

  if (perSecond > 0) {
    void deps.leases.hold(
      "interrogation",
      async (s) => {
        // Subscribed before the sweep, so nothing that enrols in between is missed.
        const subscription = deps.journal.subscribe(ENROLLMENT_QUEUE, { signal: s });
        const enrolments = (async () => {
          for await (const e of subscription) enqueue(String(e.payload.ClientId ?? e.clientId));
        })();
        await subscription.ready;
        await sweep();
        const sweeps = (async () => {
          while (!s.aborted) {
            await sleep(SWEEP_MS, undefined, { signal: s }).catch(() => {});
            if (!s.aborted) await sweep().catch((err) => deps.log.warn("interrogation sweep failed", { error: (err as Error).message }));
          }
        })();
        // Small batches: on the embedded database a consumer's transaction holds the only connection.
        await Promise.all([enrolments, sweeps, rateLoop(s), results.run(record, { signal: s, batchSize: 200 })]);
        queue.length = 0;
        queued.clear();
      },
      signal,
    ).catch(() => {});
  }

  return {
    async interrogate(actor, clientId) {
      return deps.flows.collect(actor, { clientId, artifacts: [INTERROGATION_ARTIFACT], creator: INTERROGATOR });
    },
    pending: () => queue.length,
  };
}
