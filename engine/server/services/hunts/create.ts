// hunts.create(): checks permissions (START_HUNT to start now, COLLECT_CLIENT to propose a
// paused hunt; the artifacts' required and implied permissions through the flows service's
// compile; ANY_QUERY for a client condition), compiles the collection (and the client
// condition) once, and stores the hunt with its System.Hunt.Creation
// event in one transaction. Scheduling clients is the foreman's job, not this file's.
import { queries } from "@/drizzle";
import { HUNT_CREATION_QUEUE, HUNT_OS, requirePermission, ServiceError, type HuntSpec, type HuntSummary, type Principal } from "@/engine/server/contracts";
import { creationRow, toHuntSummary } from "./mappers";
import type { HuntsDeps } from "./start";

export const DEFAULT_EXPIRY_MS = 7 * 24 * 3600_000;
/** The source name of a client-condition flow's rows. */
export const CLIENT_CONDITION_SOURCE = "Hunt.ClientCondition";

export async function createHunt(deps: HuntsDeps, actor: Principal, spec: HuntSpec): Promise<HuntSummary> {
  requirePermission(actor, spec.pause ? "COLLECT_CLIENT" : "START_HUNT");
  const now = deps.clock.now();
  const expires = spec.expires ?? new Date(now.getTime() + DEFAULT_EXPIRY_MS);
  if (expires.getTime() <= now.getTime()) throw new ServiceError("bad_request", "a hunt's expiry must be in the future");
  const os = (spec.os ?? "ALL").toUpperCase();
  if (!(HUNT_OS as readonly string[]).includes(os)) throw new ServiceError("bad_request", `os must be one of ${HUNT_OS.join(", ")}`);
  const request = await deps.flows.compile(actor, {
    artifacts: spec.artifacts,
    parameters: spec.parameters,
    timeoutSec: spec.timeoutSec,
    maxRows: spec.maxRows,
    maxUploadBytes: spec.maxUploadBytes,
    creator: actor.username,
  });
  const clientCondition = spec.clientCondition?.trim() ?? "";
  const conditionRequest = clientCondition ? await deps.flows.compileQuery(actor, { name: CLIENT_CONDITION_SOURCE, query: clientCondition, creator: actor.username }) : null;
  const huntId = deps.ids.huntId();
  const clean = (l: string[] | undefined) => [...new Set((l ?? []).map((x) => String(x).trim()).filter(Boolean))];
  return queries.inTransaction(deps.database.db, async (tx) => {
    const h = await queries.createHunt(tx, {
      huntId,
      description: spec.description ?? "",
      tags: clean(spec.tags),
      creator: actor.username,
      state: spec.pause ? "PAUSED" : "RUNNING",
      createdAt: now,
      startedAt: spec.pause ? null : now,
      expiresAt: expires,
      clientLimit: Math.max(0, Math.trunc(spec.clientLimit ?? 0)),
      includeLabels: clean(spec.includeLabels),
      excludeLabels: clean(spec.excludeLabels),
      os,
      serverCondition: spec.serverCondition?.trim() ?? "",
      clientCondition,
      conditionRequest,
      clientRate: Math.max(0, Math.trunc(spec.clientRate ?? 0)),
      maxErrorPercent: Math.max(0, Math.min(100, Math.trunc(spec.maxErrorPercent ?? 0))),
      maxTotalRows: Math.max(0, Math.trunc(spec.maxTotalRows ?? 0)),
      maxTotalUploadBytes: Math.max(0, Math.trunc(spec.maxTotalUploadBytes ?? 0)),
      request,
      artifacts: request.artifacts,
    });
    const summary = toHuntSummary(h, undefined, now);
    await deps.journal.append(HUNT_CREATION_QUEUE, [creationRow(summary, now)], { tx });
    return summary;
  });
}
