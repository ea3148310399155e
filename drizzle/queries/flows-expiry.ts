// Server-side flow deadlines: finding flows whose agent never reported back, and ending them
// (state, finish time and one ERROR line in the flow's log) in the caller's transaction.
import { sql } from "drizzle-orm";
import type { Db } from "../client";
import { rowsOf } from "./raw";
import { flows, type FlowRecord } from "../schema";

export interface OverdueFlow {
  flowId: string;
  clientId: string;
  state: "WAITING" | "RUNNING";
}

/**
 * Open flows past their deadline at `now`, oldest first, at most `limit`:
 * - RUNNING: started + the request's per-source timeout × its number of sources + `graceMs`
 *   (the agent runs sources one after the other, each with that timeout);
 * - WAITING: created + `waitingMs` (the caller skips clients that are connected);
 * and in both cases no earlier than `notBefore` (the server's start + grace: agents get time to
 * reconnect and report after a restart).
 */
export async function listOverdueFlows(
  db: Db,
  p: { now: Date; graceMs: number; waitingMs: number; notBefore: Date; limit: number; /** Only flows with a greater id (paging). */ after?: string },
): Promise<OverdueFlow[]> {
  if (p.now.getTime() <= p.notBefore.getTime()) return [];
  const now = p.now.toISOString();
  const after = p.after ?? "";
  const rows = rowsOf<{ flow_id: string; client_id: string; state: "WAITING" | "RUNNING" }>(
    await db.execute(sql`
      select f.flow_id, f.client_id, f.state from flows f
      where f.state = 'RUNNING' and f.flow_id > ${after}
        and coalesce(f.started_at, f.created_at)
          + ((coalesce((f.request->>'timeoutMs')::bigint, 600000)
             * greatest(1, (select count(*) from jsonb_array_elements(coalesce(f.request->'compiled', '[]'::jsonb)) a,
                                                 jsonb_array_elements(coalesce(a->'sources', '[]'::jsonb)) s))
             + ${p.graceMs}::bigint)::double precision) * interval '1 millisecond' < ${now}::timestamptz
      union all
      select f.flow_id, f.client_id, f.state from flows f
      where f.state = 'WAITING' and f.flow_id > ${after} and f.created_at + ${p.waitingMs}::double precision * interval '1 millisecond' < ${now}::timestamptz
      order by flow_id
      limit ${p.limit}`),
  );
  return rows.map((r) => ({ flowId: r.flow_id, clientId: r.client_id, state: r.state }));
}

/**
 * Ends flows (as TIMEOUT, or `to`) when they are still in the state they were found in, adds one ERROR line
 * with `status` to each one's log, and returns the flows this call ended (so the caller
 * publishes each completion exactly once, in the same transaction).
 */
export async function expireFlows(db: Db, p: { flows: Array<{ flowId: string; state: string; status: string }>; at: Date; to?: "TIMEOUT" | "CANCELLED"; level?: "ERROR" | "INFO" }): Promise<FlowRecord[]> {
  if (!p.flows.length) return [];
  const at = p.at.toISOString();
  const to = p.to ?? "TIMEOUT";
  const level = p.level ?? "ERROR";
  const moved = rowsOf<{ flow_id: string }>(
    await db.execute(sql`
      update flows f set state = ${to}, status = x.status, finished_at = ${at}::timestamptz, total_logs = f.total_logs + 1
      from jsonb_to_recordset(${JSON.stringify(p.flows.map((f) => ({ flow_id: f.flowId, state: f.state, status: f.status })))}::jsonb)
        as x(flow_id text, state text, status text)
      where f.flow_id = x.flow_id and f.state = x.state
      returning f.flow_id`),
  ).map((r) => r.flow_id);
  if (!moved.length) return [];
  await db.execute(sql`
    insert into flow_logs (flow_id, ordinal, at, level, message, artifact)
    select f.flow_id, f.total_logs - 1, ${at}::timestamptz, ${level}, f.status, ''
    from flows f where f.flow_id in (select jsonb_array_elements_text(${JSON.stringify(moved)}::jsonb))
    on conflict do nothing`);
  return db
    .select()
    .from(flows)
    .where(sql`${flows.flowId} in (select jsonb_array_elements_text(${JSON.stringify(moved)}::jsonb))`);
}
