-- Hand-written: the journal reader's page query as a function, so it is planned with bitmap
-- scans and sorts off. "Events after a position, oldest first, LIMIT n" is only cheap as an
-- ordered merge of the partitions' (queue, tx, id) indexes; with statistics that do not yet
-- know the newest rows (always the case for a reader near the head) the planner fetches every
-- event after the position and sorts them, so a reader that fell behind read its whole backlog
-- per page and fell further behind. See drizzle/queries/journal.ts readEventsAfter.
CREATE OR REPLACE FUNCTION journal_read_after(p_queue text, p_tx xid8, p_id bigint, p_limit integer, p_client text)
RETURNS TABLE (r_xmin text, r_held boolean, r_id bigint, r_tx text, r_queue text, r_at timestamptz, r_client_id text, r_payload jsonb)
LANGUAGE sql STABLE
SET enable_bitmapscan = off
SET enable_sort = off
AS $$
  with s as (select pg_snapshot_xmin(pg_current_snapshot()) as x)
  select s.x::text, exists (select 1 from events h where h.queue = p_queue and h.tx >= s.x),
    e.id, e.tx::text, e.queue, e.at, e.client_id, e.payload
  from s left join lateral (
    select * from events e
    where e.queue = p_queue and (e.tx, e.id) > (p_tx, p_id) and e.tx < s.x and (p_client is null or e.client_id = p_client)
    order by e.tx, e.id limit p_limit
  ) e on true
$$;
