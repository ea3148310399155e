// Interrogation: every newly enrolled client gets one Generic.Client.Info collection, started
// at a bounded rate (Velociraptor's enrollments_per_second, default 100). When that flow
// completes, its BasicInformation row fills the client record and Server.Internal.Interrogation
// {ClientId} is published. Clients enrolled while the server was down are picked up at start.
import { setTimeout as sleep } from "node:timers/promises";
import { queries, type FlowRecord } from "../../../../drizzle";
import { permissionsOf } from "../../auth/roles";
import type { ClientsService, EventsService, FlowsService, InterrogationService, Principal, ServiceDeps } from "../types";

export const INTERROGATION_ARTIFACT = "Generic.Client.Info";
export const INTERROGATOR = "InterrogationService";

const SYSTEM: Principal = { userId: "system", username: INTERROGATOR, role: "administrator", permissions: permissionsOf("administrator"), via: "system" };

export function startInterrogation(
  deps: ServiceDeps,
  p: {
    clients: ClientsService;
    flows: FlowsService & { onCompleted(listener: (flows: FlowRecord[]) => void): () => void };
    events: EventsService;
    signal: AbortSignal;
    /** Interrogations started per second at most (0 disables interrogation). */
    perSecond?: number;
    onInterrogated?(clientId: string): void;
  },
): InterrogationService {
  const perSecond = p.perSecond ?? 100;
  const queue: string[] = [];
  const queued = new Set<string>();
  let wake: (() => void) | undefined;
  let missingWarned = false;

  function enqueue(clientId: string) {
    if (perSecond <= 0 || queued.has(clientId)) return;
    queued.add(clientId);
    queue.push(clientId);
    wake?.();
  }

  /** One collection per client of the slice, created in one write. */
  async function start(clientIds: string[]) {
    try {
      await p.flows.collectMany(SYSTEM, { clientIds, artifacts: [INTERROGATION_ARTIFACT], creator: INTERROGATOR });
    } catch (err) {
      const e = err as Error & { code?: string };
      if (e.code === "not_found" && /artifact/.test(e.message)) {
        if (!missingWarned) deps.log.warn(`interrogation skipped: the artifact ${INTERROGATION_ARTIFACT} is not available`);
        missingWarned = true;
      } else deps.log.error("could not start interrogations", { clients: clientIds.length, error: e.message });
    }
  }

  // The rate limiter: start up to perSecond collections, then wait out the rest of the second.
  (async () => {
    try {
      for (const id of await queries.listUninterrogatedClients(deps.database.db, INTERROGATOR, 100_000)) enqueue(id);
      while (!p.signal.aborted) {
        if (!queue.length) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            p.signal.addEventListener("abort", () => resolve(), { once: true });
          });
          wake = undefined;
          continue;
        }
        const t0 = Date.now();
        const slice = queue.splice(0, perSecond);
        for (const id of slice) queued.delete(id);
        await start(slice);
        const rest = 1000 - (Date.now() - t0);
        if (queue.length && rest > 0) await sleep(rest, undefined, { signal: p.signal });
      }
    } catch (err) {
      if (!p.signal.aborted) deps.log.error("interrogation loop stopped", { error: (err as Error).message });
    }
  })();

  p.clients.onEnrolled(enqueue);

  p.flows.onCompleted((flows) => {
    for (const f of flows) {
      if (f.creator !== INTERROGATOR || f.state !== "FINISHED") continue;
      record(f).catch((err) => deps.log.error("could not record an interrogation", { clientId: f.clientId, error: (err as Error).message }));
    }
  });

  async function record(f: FlowRecord) {
    // The repository may run Custom.Generic.Client.Info in its place.
    const withResults = (f.artifactsWithResults ?? []).filter((a) => a.split("/")[0]!.replace(/^Custom\./, "") === INTERROGATION_ARTIFACT);
    // BasicInformation is Velociraptor's source with the host facts; otherwise the first with a Hostname.
    const ordered = [...withResults].sort((a, b) => Number(b.endsWith("/BasicInformation")) - Number(a.endsWith("/BasicInformation")));
    for (const artifact of ordered) {
      const page = await p.flows.results(SYSTEM, { clientId: f.clientId, flowId: f.flowId, artifact, limit: 1 });
      const row = page.rows[0];
      if (row && ("Hostname" in row || "hostname" in row)) {
        await p.clients.recordInterrogation(f.clientId, f.flowId, row);
        await p.events.publish("Server.Internal.Interrogation", { ClientId: f.clientId, FlowId: f.flowId }, { clientId: f.clientId });
        p.onInterrogated?.(f.clientId);
        return;
      }
    }
    deps.log.warn("interrogation returned no host information", { clientId: f.clientId, flowId: f.flowId });
  }

  return {
    async interrogate(actor, clientId) {
      return p.flows.collect(actor, { clientId, artifacts: [INTERROGATION_ARTIFACT], creator: INTERROGATOR });
    },
    pending: () => queue.length,
  };
}
