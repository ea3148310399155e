// The live estimate while a hunt is being written: how many clients its selection matches now
// and how many of those are online. Labels and OS are applied in SQL exactly as the foreman
// applies them (the same WHERE clause), the server's own hosts are left out unless the actor
// may collect from the server, and the server-side condition runs over each candidate's stored
// facts as the foreman runs it (as the actor, who would be the hunt's creator). The condition
// is bounded: at most EVALUATE_CAP clients and DEADLINE_MS in all; past either the answer says
// `partial` (its figures are then lower bounds). The client limit caps the figures as it would
// cap the hunt (the first clients in id order, as the start scan takes them).
import { queries } from "@/drizzle";
import { HUNT_OS, requirePermission, ServiceError, type HuntEstimate, type HuntEstimateSpec, type Principal } from "@/engine/server/contracts";
import { clientFacts, matches, type RunQuery } from "./condition";
import type { HuntsDeps } from "./start";

/** The whole estimate's time budget. */
export const DEADLINE_MS = 10_000;
/** Clients the server-side condition is run over at most. */
export const EVALUATE_CAP = 2_000;
const PAGE = 1000;
/**
 * Conditions evaluated at a time: the query pool's warm minimum, so an estimate does not wait
 * for new workers to start (each condition is a short query; the deadline is what bounds it).
 */
const PARALLEL = 2;

export async function estimateHunt(deps: HuntsDeps, run: RunQuery, actor: Principal, spec: HuntEstimateSpec, opts: { deadlineMs?: number; cap?: number } = {}): Promise<HuntEstimate> {
  requirePermission(actor, "COLLECT_CLIENT");
  const os = (spec.os ?? "ALL").toUpperCase();
  if (!(HUNT_OS as readonly string[]).includes(os)) throw new ServiceError("bad_request", `os must be one of ${HUNT_OS.join(", ")}`);
  const clean = (l: string[] | undefined) => [...new Set((l ?? []).map((x) => String(x).trim()).filter(Boolean))];
  const sel = { os, includeLabels: clean(spec.includeLabels), excludeLabels: clean(spec.excludeLabels) };
  const condition = spec.serverCondition?.trim() ?? "";
  const limit = Math.max(0, Math.trunc(spec.clientLimit ?? 0));
  const cap = opts.cap ?? EVALUATE_CAP;
  const deadline = AbortSignal.timeout(opts.deadlineMs ?? DEADLINE_MS);
  const canServer = actor.permissions.has("COLLECT_SERVER");

  let matching = 0;
  let online = 0;
  let errors = 0;
  let evaluated = 0;
  let partial = false;
  const full = () => limit > 0 && matching >= limit;

  for (let after = ""; !full(); ) {
    if (deadline.aborted) {
      partial = true;
      break;
    }
    const take = condition ? Math.min(PAGE, cap - evaluated) : PAGE;
    if (take <= 0) {
      // The cap is reached: partial when any candidate is left unevaluated.
      partial = (await queries.huntCandidateIds(deps.database.db, { ...sel, afterClientId: after, limit: 1 })).length > 0;
      break;
    }
    let ids: string[];
    let n: number;
    if (!condition) {
      ids = await queries.huntCandidateIds(deps.database.db, { ...sel, afterClientId: after, limit: take });
      n = ids.length;
      if (n) after = ids[n - 1]!;
    } else {
      const candidates = await queries.huntCandidates(deps.database.db, { ...sel, afterClientId: after, limit: take });
      n = candidates.length;
      if (n) after = candidates[n - 1]!.clientId;
      const accepted: string[] = [];
      for (let i = 0; i < candidates.length && !deadline.aborted; i += PARALLEL) {
        const slice = candidates.slice(i, i + PARALLEL);
        const verdicts = await Promise.all(slice.map((c) => matches(run, condition, actor, [clientFacts(c)], deadline)));
        // Evaluations the deadline cut short are neither matches nor the condition's errors.
        if (deadline.aborted) break;
        slice.forEach((c, j) => {
          if (verdicts[j]!.ok) accepted.push(c.clientId);
          else if (verdicts[j]!.error) errors++;
        });
        evaluated += slice.length;
      }
      if (deadline.aborted) partial = true;
      ids = accepted;
    }
    if (!n) break;
    if (!canServer && ids.length) {
      const hosts = await deps.clients.serverHostIds(ids);
      ids = ids.filter((id) => !hosts.has(id));
    }
    ids = ids.slice(0, limit > 0 ? limit - matching : undefined);
    matching += ids.length;
    if (ids.length) online += (await deps.presence.online(ids)).size;
    if (partial || n < take) break;
  }
  return { matching, online, ...(errors ? { serverConditionErrors: errors } : {}), ...(partial ? { partial: true } : {}) };
}
