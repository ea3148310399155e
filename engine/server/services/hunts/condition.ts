// The server-side condition: a hunt's VQL run on the server, once per candidate client, with
// `rows` bound to that client's facts (from its record and latest interrogation), or to the rows
// its client condition returned when the hunt has one; the client is scheduled when the query
// returns a row. It runs as the hunt's creator with the permissions
// the hunt was created with, and is never sent to an agent. A failing condition excludes the
// client (and is logged), so a typo never schedules the whole fleet.
import type { HuntCandidate } from "@/drizzle";
import type { Principal, RunAsOptions, ServerVqlEvent } from "@/engine/server/contracts";

export type RunQuery = (source: string, opts: RunAsOptions) => AsyncIterable<ServerVqlEvent>;

const CONDITION_TIMEOUT_MS = 10_000;
const PARALLEL = 8;

/** The facts a condition sees as `rows` (one row): Velociraptor's client-info columns. */
export function clientFacts(c: HuntCandidate): Record<string, unknown> {
  return {
    ClientId: c.clientId,
    Hostname: c.hostname,
    Fqdn: c.fqdn,
    OS: c.os,
    Platform: c.platform,
    Release: c.release,
    Architecture: c.architecture,
    Labels: c.labels,
    Info: c.info,
  };
}

/** Whether the condition returns a row with `rows` bound to these rows (a client's facts, or its client condition's results). */
export async function matches(run: RunQuery, vql: string, principal: Principal, rows: Array<Record<string, unknown>>, signal: AbortSignal): Promise<{ ok: boolean; error?: string }> {
  const controller = new AbortController();
  const s = AbortSignal.any([signal, controller.signal]);
  try {
    for await (const e of run(vql, { principal, env: { rows }, signal: s, timeoutMs: CONDITION_TIMEOUT_MS, adhoc: false })) {
      if (e.kind === "row") return { ok: true };
      if (e.kind === "log" && e.level === "ERROR") return { ok: false, error: e.message };
    }
    return { ok: false };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  } finally {
    controller.abort();
  }
}

/** The candidates the condition accepts, a few at a time. */
export async function filterByCondition(
  run: RunQuery,
  p: { vql: string; principal: Principal; candidates: HuntCandidate[]; signal: AbortSignal; onError(clientId: string, error: string): void },
): Promise<HuntCandidate[]> {
  if (!p.vql) return p.candidates;
  const out: HuntCandidate[] = [];
  for (let i = 0; i < p.candidates.length; i += PARALLEL) {
    p.signal.throwIfAborted();
    const slice = p.candidates.slice(i, i + PARALLEL);
    const verdicts = await Promise.all(slice.map((c) => matches(run, p.vql, p.principal, [clientFacts(c)], p.signal)));
    slice.forEach((c, j) => {
      const v = verdicts[j]!;
      if (v.error) p.onError(c.clientId, v.error);
      if (v.ok) out.push(c);
    });
  }
  return out;
}
